/** The lock a lesson puts on a node, param or training field: a padlock with the reason as its tooltip. */
export function LockMark({ reason }: { reason: string }) {
  return (
    <span className="lock-mark" role="img" aria-label={`locked: ${reason}`} title={reason} data-testid="lock-mark">
      🔒
    </span>
  );
}
