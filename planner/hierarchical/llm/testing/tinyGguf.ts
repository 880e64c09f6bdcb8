/**
 * Writes a tiny llama-architecture GGUF v3 model from scratch (no download): 2 layers, embedding
 * 64, 4 heads / 2 KV heads, feed-forward 128, F32 weights from a seeded generator (byte-identical
 * every run), a SentencePiece-style vocabulary with the 256 byte tokens (without them llama.cpp
 * aborts) plus printable ASCII. It says nothing sensible: it exists to run the real runtime,
 * the JSON-schema grammar, the deadline and the fallback in CI.
 */
import { writeFileSync } from 'node:fs';
import { createRng } from '../../../../core/index.ts';

const ALIGN = 32;
const T = { U32: 4, I32: 5, F32: 6, STRING: 8, ARRAY: 9 } as const;

class Buf {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const n = (ALIGN - (this.length % ALIGN)) % ALIGN;
    if (n) this.push(Buffer.alloc(n));
  }
  done(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const strKv = (v: string) => (b: Buf) => {
  b.u32(T.STRING);
  b.str(v);
};
const u32Kv = (v: number) => (b: Buf) => {
  b.u32(T.U32);
  b.u32(v);
};
const f32Kv = (v: number) => (b: Buf) => {
  b.u32(T.F32);
  b.f32(v);
};

export interface TinyModelOptions {
  seed?: number;
  contextLength?: number;
}

/** Writes the model to `path` (≈0.5 MB); returns its size in bytes. */
export function writeTinyGguf(path: string, o: TinyModelOptions = {}): number {
  const nEmbd = 64;
  const nLayer = 2;
  const nHead = 4;
  const nHeadKv = 2;
  const nFf = 128;
  const headDim = nEmbd / nHead;
  const nEmbdKv = headDim * nHeadKv;
  // vocabulary: <unk> <s> </s>, 256 byte tokens, ▁ and printable ASCII
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [2, 3, 3];
  for (let i = 0; i < 256; i++) {
    tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  tokens.push('\u2581');
  types.push(1);
  for (let c = 0x21; c < 0x7f; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(1);
  }
  const nVocab = tokens.length;
  const rand = createRng(o.seed ?? 7);
  const tensors: { name: string; dims: number[]; data: Float32Array }[] = [];
  const mat = (name: string, dims: number[], scale: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * scale;
    tensors.push({ name, dims, data });
  };
  const ones = (name: string, n: number) =>
    tensors.push({ name, dims: [n], data: new Float32Array(n).fill(1) });
  mat('token_embd.weight', [nEmbd, nVocab], 0.1);
  ones('output_norm.weight', nEmbd);
  mat('output.weight', [nEmbd, nVocab], 0.1);
  for (let l = 0; l < nLayer; l++) {
    ones(`blk.${l}.attn_norm.weight`, nEmbd);
    mat(`blk.${l}.attn_q.weight`, [nEmbd, nEmbd], 0.1);
    mat(`blk.${l}.attn_k.weight`, [nEmbd, nEmbdKv], 0.1);
    mat(`blk.${l}.attn_v.weight`, [nEmbd, nEmbdKv], 0.1);
    mat(`blk.${l}.attn_output.weight`, [nEmbd, nEmbd], 0.1);
    ones(`blk.${l}.ffn_norm.weight`, nEmbd);
    mat(`blk.${l}.ffn_gate.weight`, [nEmbd, nFf], 0.1);
    mat(`blk.${l}.ffn_up.weight`, [nEmbd, nFf], 0.1);
    mat(`blk.${l}.ffn_down.weight`, [nFf, nEmbd], 0.1);
  }
  const kv: [string, (b: Buf) => void][] = [
    ['general.architecture', strKv('llama')],
    ['general.name', strKv('edgeplan-tiny-test')],
    ['general.alignment', u32Kv(ALIGN)],
    ['llama.context_length', u32Kv(o.contextLength ?? 8192)],
    ['llama.embedding_length', u32Kv(nEmbd)],
    ['llama.block_count', u32Kv(nLayer)],
    ['llama.feed_forward_length', u32Kv(nFf)],
    ['llama.attention.head_count', u32Kv(nHead)],
    ['llama.attention.head_count_kv', u32Kv(nHeadKv)],
    ['llama.attention.layer_norm_rms_epsilon', f32Kv(1e-5)],
    ['llama.rope.dimension_count', u32Kv(headDim)],
    ['tokenizer.ggml.model', strKv('llama')],
    [
      'tokenizer.ggml.tokens',
      (b) => {
        b.u32(T.ARRAY);
        b.u32(T.STRING);
        b.u64(nVocab);
        for (const t of tokens) b.str(t);
      },
    ],
    [
      'tokenizer.ggml.scores',
      (b) => {
        b.u32(T.ARRAY);
        b.u32(T.F32);
        b.u64(nVocab);
        for (let i = 0; i < nVocab; i++) b.f32(types[i] === 1 ? -1 : 0);
      },
    ],
    [
      'tokenizer.ggml.token_type',
      (b) => {
        b.u32(T.ARRAY);
        b.u32(T.I32);
        b.u64(nVocab);
        for (const t of types) b.i32(t);
      },
    ],
    ['tokenizer.ggml.bos_token_id', u32Kv(1)],
    ['tokenizer.ggml.eos_token_id', u32Kv(2)],
    ['tokenizer.ggml.unknown_token_id', u32Kv(0)],
  ];
  const b = new Buf();
  b.push(Buffer.from('GGUF', 'ascii'));
  b.u32(3);
  b.u64(tensors.length);
  b.u64(kv.length);
  for (const [k, write] of kv) {
    b.str(k);
    write(b);
  }
  let offset = 0;
  for (const t of tensors) {
    b.str(t.name);
    b.u32(t.dims.length);
    for (const d of t.dims) b.u64(d);
    b.u32(0); // F32
    b.u64(offset);
    offset += t.data.byteLength;
    offset += (ALIGN - (offset % ALIGN)) % ALIGN;
  }
  b.pad();
  for (const t of tensors) {
    b.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    b.pad();
  }
  const out = b.done();
  writeFileSync(path, out);
  return out.length;
}
