/** A rubric as staff read it: what the question reveals, its red flags, one descriptor per
 * level and the exemplar answers (used by the assessment page and the question bank). */

export type RubricLevelText = { level: number; descriptor: string };
export type RubricExemplar = { key: string; level: number; text: string };

/** Level descriptors keyed by level ("1".."5", as the API gives them), in level order. */
export function levelList(levels: Record<string, string>): RubricLevelText[] {
  return Object.entries(levels)
    .map(([level, descriptor]) => ({ level: Number(level), descriptor }))
    .sort((a, b) => a.level - b.level);
}

export function RubricView(props: { reveals: string; redFlags: string; levels: RubricLevelText[]; exemplars: RubricExemplar[] }) {
  const exemplars = [...props.exemplars].sort((a, b) => a.level - b.level);
  return (
    <>
      {props.reveals && <p><strong>What it reveals:</strong> {props.reveals}</p>}
      {props.redFlags && <p><strong>Red flags:</strong> {props.redFlags}</p>}
      <h4>Levels</h4>
      <ol class="levels">
        {props.levels.map((lv) => (
          <li key={lv.level}>
            <span class="level-num" aria-label={`Level ${lv.level}`}>{lv.level}</span>
            <span>{lv.descriptor}</span>
          </li>
        ))}
      </ol>
      {exemplars.length > 0 && (
        <>
          <h4>Exemplar answers</h4>
          <ul class="exemplars">
            {exemplars.map((e) => (
              <li key={e.key}>
                <span class="badge">Level {e.level}</span>
                <blockquote>{e.text}</blockquote>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
