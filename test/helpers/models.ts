// The tiny synthetic model pair (random weights, a LoRA adapter) is a test fixture: small,
// deterministic, and the only bundled adapter. The shipped demo model is models/radiology-mini.gguf.
import path from "node:path";

export const FIXTURE_MODELS = path.resolve(import.meta.dirname, "..", "fixtures", "models");
export const TINY_BASE = path.join(FIXTURE_MODELS, "tiny-radiology-base.gguf");
export const TINY_LORA = path.join(FIXTURE_MODELS, "tiny-radiology-lora.gguf");
