// What every engine (the local llama.cpp one, the OpenAI-compatible client) gives back for a case.
export type Generated = {
  text: string;
  raw: string;
  tokensIn: number;
  tokensOut: number;
  ms: number;
  stopReason: string;
  truncatedFindings: boolean;
  prompt: string;
};
