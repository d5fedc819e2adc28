/** Above the training form: a lesson with trained checks runs with its own settings, whatever the dataset picker says. */
import { describeLessonRun, hasTrainedChecks } from '../../../engine/lesson';
import { useEditor } from '../store/editorStore';
import { lessonDocOf } from './lessonMarks';

export function LessonRunNote() {
  const doc = useEditor((s) => s.doc);
  const base = useEditor((s) => s.lessonBase);
  const instructor = useEditor((s) => s.instructor);
  if (!doc.lesson || !hasTrainedChecks(doc.lesson)) return null;
  return (
    <p className="lesson-run-note" data-testid="lesson-run-note">
      This lesson trains with its own settings: {describeLessonRun(lessonDocOf(doc, base, instructor))}. Its trained checks are marked from
      those runs.
    </p>
  );
}
