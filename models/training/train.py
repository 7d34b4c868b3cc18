#!/usr/bin/python3
"""Trains radiology-mini: a SentencePiece tokenizer and a small Llama-style network that writes the
impression from the findings, on the training split that `npm run train` prepares.

Run it through `npm run train` (scripts/train-model.ts), which writes the split, runs this script
with Debian's /usr/bin/python3 (python3-torch, python3-sentencepiece, libopenblas0-openmp) and turns
what it writes into models/radiology-mini.gguf with the project's own GGUF writer.

Input:  DATA/train.jsonl, DATA/dev.jsonl — {"uid", "prompt", "response"}, the prompt rendered with
        SecondRead's default template, so training sees exactly what the app sends.
Output: OUT/tokenizer.model, OUT/vocab.json (pieces, scores, GGUF token types),
        OUT/weights.bin + OUT/weights.json (float32 tensors, GGUF names, ggml shapes),
        OUT/tokenizer-check.json (texts and their token ids, for the parity test against llama.cpp),
        OUT/card.json (hyper-parameters, steps, loss curve, dev loss, time).

The network is what llama.cpp's "llama" architecture computes: RMSNorm (eps 1e-5), rotary position
embedding on adjacent pairs (x0, x1), (x2, x3)… (llama.cpp's default rope mode, so q/k need no
permutation on export), SwiGLU feed-forward, no biases, output tied to the token embedding.
"""
import argparse
import json
import math
import os
import random
import time

import sentencepiece as spm
import torch
import torch.nn as nn
import torch.nn.functional as F

HP = dict(vocab=2048, embd=256, layers=4, heads=8, ffn=704, ctx=512, max_len=384, rope_base=10000.0, eps=1e-5)
BOS, EOS = 1, 2


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ------------------------------------------------------------------ tokenizer
def train_tokenizer(texts, out_dir, seed):
    """SentencePiece BPE, set up to tokenize exactly as llama.cpp's SPM tokenizer does: no
    normalisation, no dummy prefix (GGUF add_space_prefix=false), whitespace kept, "\n" a
    user-defined piece (llama.cpp splits those out before merging), bytes for unseen characters."""
    lines = [line for t in texts for line in t.split("\n") if line]
    random.Random(seed).shuffle(lines)
    prefix = os.path.join(out_dir, "tokenizer")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=prefix, model_type="bpe", vocab_size=HP["vocab"],
        character_coverage=1.0, byte_fallback=True, normalization_rule_name="identity",
        add_dummy_prefix=False, remove_extra_whitespaces=False, split_digits=True,
        user_defined_symbols=["\n"], unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=2, minloglevel=2, max_sentence_length=16384,
    )
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def export_vocab(sp, path):
    # GGUF token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    pieces, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        pieces.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i): types.append(2)
        elif sp.is_control(i): types.append(3)
        elif sp.is_byte(i): types.append(6)
        elif sp.is_unused(i): types.append(5)
        elif pieces[-1] == "\n": types.append(4)
        else: types.append(1)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"pieces": pieces, "scores": scores, "types": types}, f, ensure_ascii=False)


def encode(sp, ex):
    prompt = sp.encode(ex["prompt"])
    response = sp.encode(ex["response"])
    return [BOS] + prompt, response + [EOS]


# ------------------------------------------------------------------ network
class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + HP["eps"]) * self.weight


def rope_tables(T, D):
    inv = HP["rope_base"] ** (-torch.arange(0, D, 2, dtype=torch.float32) / D)
    ang = torch.arange(T, dtype=torch.float32)[:, None] * inv[None, :]
    return ang.cos(), ang.sin()


def apply_rope(x, cos, sin):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        E, Fd = HP["embd"], HP["ffn"]
        self.attn_norm, self.ffn_norm = RMSNorm(E), RMSNorm(E)
        self.q, self.k, self.v, self.o = (nn.Linear(E, E, bias=False) for _ in range(4))
        self.gate, self.up = nn.Linear(E, Fd, bias=False), nn.Linear(E, Fd, bias=False)
        self.down = nn.Linear(Fd, E, bias=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, cos, sin, mask):
        B, T, E = x.shape
        H = HP["heads"]
        D = E // H
        h = self.attn_norm(x)
        q, k, v = (m(h).view(B, T, H, D).transpose(1, 2) for m in (self.q, self.k, self.v))
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, E)
        x = x + self.drop(self.o(y))
        h = self.ffn_norm(x)
        return x + self.drop(self.down(F.silu(self.gate(h)) * self.up(h)))


class Model(nn.Module):
    def __init__(self, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(HP["vocab"], HP["embd"])
        self.blocks = nn.ModuleList(Block(dropout) for _ in range(HP["layers"]))
        self.norm = RMSNorm(HP["embd"])
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * HP["layers"]) if name.endswith(("o.weight", "down.weight")) else 0.02
                nn.init.normal_(p, std=std)

    def forward(self, ids):
        T = ids.shape[1]
        cos, sin = rope_tables(T, HP["embd"] // HP["heads"])
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x, cos, sin, mask)
        return self.norm(x) @ self.embed.weight.T


def gguf_tensors(model):
    """(GGUF name, tensor) pairs. ggml shapes are torch shapes reversed with the same bytes."""
    out = [("token_embd.weight", model.embed.weight), ("output_norm.weight", model.norm.weight)]
    for i, b in enumerate(model.blocks):
        p = f"blk.{i}."
        out += [(p + "attn_norm.weight", b.attn_norm.weight), (p + "attn_q.weight", b.q.weight),
                (p + "attn_k.weight", b.k.weight), (p + "attn_v.weight", b.v.weight),
                (p + "attn_output.weight", b.o.weight), (p + "ffn_norm.weight", b.ffn_norm.weight),
                (p + "ffn_gate.weight", b.gate.weight), (p + "ffn_up.weight", b.up.weight),
                (p + "ffn_down.weight", b.down.weight)]
    return out


def save_weights(model, out_dir):
    index, offset = [], 0
    with open(os.path.join(out_dir, "weights.bin"), "wb") as f:
        for name, t in gguf_tensors(model):
            data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
            index.append({"name": name, "shape": list(reversed(t.shape)), "offset": offset})
            f.write(data)
            offset += len(data)
    with open(os.path.join(out_dir, "weights.json"), "w") as f:
        json.dump({"hp": HP, "tensors": index}, f, indent=1)


# ------------------------------------------------------------------ training
def batch_of(examples):
    T = max(len(p) + len(r) for p, r in examples)
    ids = torch.zeros(len(examples), T, dtype=torch.long)
    target = torch.full((len(examples), T), -100, dtype=torch.long)
    for i, (p, r) in enumerate(examples):
        seq = p + r
        ids[i, : len(seq)] = torch.tensor(seq)
        # Loss on the response and EOS only: predict r[j] from everything before it.
        target[i, len(p) - 1 : len(seq) - 1] = torch.tensor(r)
    return ids, target


def loss_of(model, examples):
    ids, target = batch_of(examples)
    logits = model(ids)
    return F.cross_entropy(logits.view(-1, logits.shape[-1]), target.view(-1), ignore_index=-100, reduction="sum"), int((target != -100).sum())


@torch.no_grad()
def dev_loss(model, dev, bs):
    model.eval()
    total, n = 0.0, 0
    for i in range(0, len(dev), bs):
        l, c = loss_of(model, dev[i : i + bs])
        total, n = total + float(l), n + c
    model.train()
    return total / n


@torch.no_grad()
def greedy(model, prompt_ids, max_new=48):
    model.eval()
    ids = list(prompt_ids)
    for _ in range(max_new):
        nxt = int(model(torch.tensor([ids]))[0, -1].argmax())
        if nxt == EOS:
            break
        ids.append(nxt)
    model.train()
    return ids[len(prompt_ids):]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    t0 = time.time()

    train_ex, dev_ex = read_jsonl(os.path.join(a.data, "train.jsonl")), read_jsonl(os.path.join(a.data, "dev.jsonl"))
    sp = train_tokenizer([e["prompt"] + e["response"] for e in train_ex], a.out, a.seed)
    export_vocab(sp, os.path.join(a.out, "vocab.json"))
    checks = [e["prompt"] + e["response"] for e in dev_ex[:40]] + ["Heart size normal.\nNo pneumothorax;  XXXX 3.5 cm  — ünïcode ✓", "\n\n###  Response:\n"]
    with open(os.path.join(a.out, "tokenizer-check.json"), "w", encoding="utf-8") as f:
        json.dump([{"text": t, "ids": sp.encode(t)} for t in checks], f, ensure_ascii=False)

    def prepare(exs):
        enc = [encode(sp, e) for e in exs]
        return [x for x in enc if len(x[0]) + len(x[1]) <= HP["max_len"]]

    train, dev = prepare(train_ex), prepare(dev_ex)
    print(f"tokenizer: {sp.get_piece_size()} pieces; train {len(train)}/{len(train_ex)} examples, dev {len(dev)}/{len(dev_ex)} "
          f"(longer than {HP['max_len']} tokens left out); {sum(len(p) + len(r) for p, r in train) / len(train):.0f} tokens per example", flush=True)

    model = Model(a.dropout)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params:,} parameters {json.dumps(HP)}", flush=True)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95))
    warmup = min(200, a.steps // 10)

    def lr_at(step):
        if step < warmup:
            return a.lr * (step + 1) / warmup
        return a.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, a.steps - warmup))))

    order, pos = list(range(len(train))), len(train)
    rng = random.Random(a.seed)
    curve, best = [], (float("inf"), 0, None)
    run_loss, run_n = 0.0, 0
    for step in range(a.steps):
        if pos + a.batch > len(order):
            rng.shuffle(order)
            pos = 0
        batch = [train[i] for i in order[pos : pos + a.batch]]
        pos += a.batch
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        loss, n = loss_of(model, batch)
        opt.zero_grad(set_to_none=True)
        (loss / n).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run_loss, run_n = run_loss + float(loss), run_n + n
        if (step + 1) % a.eval_every == 0 or step + 1 == a.steps:
            d = dev_loss(model, dev, 32)
            point = {"step": step + 1, "train_loss": round(run_loss / run_n, 4), "dev_loss": round(d, 4), "seconds": round(time.time() - t0)}
            curve.append(point)
            run_loss, run_n = 0.0, 0
            print(json.dumps(point), flush=True)
            if d < best[0]:
                best = (d, step + 1, {k: v.clone() for k, v in model.state_dict().items()})

    model.load_state_dict(best[2])
    model.eval()
    save_weights(model, a.out)
    for e in dev_ex[:5]:
        out = sp.decode(greedy(model, [BOS] + sp.encode(e["prompt"])))
        print(f"dev {e['uid']}: {out!r}  (reference: {e['response']!r})", flush=True)
    card = {
        "hyperparameters": HP, "parameters": n_params, "steps": a.steps, "batch": a.batch, "learning_rate": a.lr,
        "schedule": f"linear warm-up {warmup} steps, cosine to 10%", "optimizer": "AdamW (0.9, 0.95), weight decay 0.1",
        "dropout": a.dropout, "seed": a.seed, "threads": a.threads, "torch": torch.__version__, "sentencepiece": spm.__version__,
        "train_examples": len(train), "dev_examples": len(dev), "loss": "cross-entropy on the response and EOS tokens",
        "curve": curve, "kept_step": best[1], "kept_dev_loss": round(best[0], 4), "seconds": round(time.time() - t0),
    }
    with open(os.path.join(a.out, "card.json"), "w") as f:
        json.dump(card, f, indent=1)
    print(f"done in {card['seconds']} s; kept step {best[1]} (dev loss {best[0]:.4f})", flush=True)


if __name__ == "__main__":
    main()
