// Shared by the fake's model rules (fake-models.ts) and its image inputs (input-images.ts).

/** What is wrong with a request's parameters: the reason text, and the field when one is to blame. */
export interface Failure {
  reason: string;
  field: string | undefined;
  message: string;
}
