/** The one-line reason a lesson's lock refused the latest edit (delete, paste, undo, …), shown over the canvas for a few seconds. */
import { useEffect, useState } from 'react';
import { useEditor } from '../store/editorStore';

export function LockRefusal() {
  const refusal = useEditor((s) => s.refusal);
  const [shown, setShown] = useState<number | null>(null);
  useEffect(() => {
    if (!refusal) return;
    setShown(refusal.seq);
    const timer = setTimeout(() => setShown(null), 5000);
    return () => clearTimeout(timer);
  }, [refusal]);
  if (!refusal || shown !== refusal.seq) return null;
  return (
    <div className="lock-refusal" role="alert" data-testid="lock-refusal">
      🔒 {refusal.text}
    </div>
  );
}
