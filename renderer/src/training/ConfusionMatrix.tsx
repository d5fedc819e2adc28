/** confusion[true][predicted] as a heat map; the diagonal is what the net got right. */
export function ConfusionMatrix({ confusion, classNames }: { confusion: readonly (readonly number[])[]; classNames: readonly string[] }) {
  const max = Math.max(1, ...confusion.flatMap((row, i) => row.filter((_, j) => j !== i)));
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: true class, columns: predicted)</caption>
      <thead>
        <tr>
          <th />
          {classNames.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.map((row, i) => (
          <tr key={i}>
            <th scope="row">{classNames[i] ?? i}</th>
            {row.map((count, j) => {
              const diagonal = i === j;
              const strength = diagonal ? count / Math.max(1, rowTotals[i]!) : count / max;
              const background =
                count === 0
                  ? 'transparent'
                  : diagonal
                    ? `rgba(34,197,94,${0.15 + 0.6 * strength})`
                    : `rgba(239,68,68,${0.15 + 0.7 * strength})`;
              return (
                <td key={j} style={{ background }} title={`true ${classNames[i] ?? i}, predicted ${classNames[j] ?? j}: ${count}`}>
                  {count || ''}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
