/**
 * How staff screens name questions (server/domain/assessments/numbering.py does the same for the
 * API): candidates meet the practice questions first, then the scored ones by position; the
 * scored ones are Q1..Qn in that order, practice ones have no number (they are never scored).
 */
type Orderable = { id: string; position: number; is_practice: boolean };

export function candidateOrder<Q extends Orderable>(questions: readonly Q[]): Q[] {
  return [...questions].sort((a, b) => Number(a.is_practice ? 0 : 1) - Number(b.is_practice ? 0 : 1) || a.position - b.position);
}

export function scoredNumbers(questions: readonly Orderable[]): Map<string, number> {
  const scored = candidateOrder(questions).filter((q) => !q.is_practice);
  return new Map(scored.map((q, i) => [q.id, i + 1]));
}

/** "Q3", or "Practice" for a question without a number. */
export function questionLabel(number: number | null | undefined): string {
  return number ? `Q${number}` : "Practice";
}
