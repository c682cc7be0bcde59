/**
 * Questions as staff screens show them. The API numbers them (server/domain/assessments/
 * numbering.py: `number`, Q1..Qn over the scored questions, null for practice ones); lists show
 * them in the order candidates meet them: practice first, then by position.
 */
type Orderable = { position: number; is_practice: boolean };

export function candidateOrder<Q extends Orderable>(questions: readonly Q[]): Q[] {
  return [...questions].sort((a, b) => Number(a.is_practice ? 0 : 1) - Number(b.is_practice ? 0 : 1) || a.position - b.position);
}

/** "Q3", or "Practice" for a question without a number. */
export function questionLabel(number: number | null | undefined): string {
  return number ? `Q${number}` : "Practice";
}
