/**
 * Submit: the student's graph, with the lesson as handed out and what the panel shows now (points,
 * each check's mark, the latest run's results), saved as one file for the instructor. The grader
 * re-runs trained checks itself and ignores these numbers: they are the student's receipt.
 */
import { serializeGraph } from '../../../engine/graph/load';
import { askForPath, useUi } from '../app/uiStore';
import { api, messageOf } from '../host/api';
import { editorStore } from '../store/editorStore';
import { useLessonRuns } from './lessonRuns';
import { computeLessonMarks } from './lessonMarks';

const notify = (text: string, kind: 'info' | 'error' = 'info') => useUi.getState().notify(text, kind);

export async function submitLesson(): Promise<boolean> {
  const { doc, lessonBase, instructor } = editorStore().getState();
  const marked = computeLessonMarks(doc, lessonBase, instructor, useLessonRuns.getState().runs);
  if (!marked) return false;
  const slug =
    marked.lesson.title
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'lesson';
  const defaultName = `${slug}-submission.json`;
  // The lesson as handed out, whatever the panel's instructor mode did to the copy being edited.
  const submission = {
    ...doc,
    lesson: marked.lessonDoc.lesson,
    submission: {
      submittedAt: new Date().toISOString(),
      points: marked.points,
      maxPoints: marked.maxPoints,
      checks: marked.marks.map((m) => ({ id: m.check.id, passed: m.passed, points: m.earned, message: m.message })),
      run: marked.run.state === 'done' ? marked.run.results : null,
    },
  };
  try {
    const answer = await api().request('file.saveDialog', { defaultName, kind: 'graph' });
    const path = answer.unsupported ? await askForPath('save', 'Submit: save your work for your instructor', defaultName) : answer.path;
    if (!path) return false;
    const written = await api().request('file.write', { path, text: serializeGraph(submission) });
    notify(`Submitted: ${written.path} (${marked.points} / ${marked.maxPoints} points)`);
    return true;
  } catch (err) {
    notify(`Could not submit: ${messageOf(err)}`, 'error');
    return false;
  }
}
