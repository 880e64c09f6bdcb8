#!/usr/bin/python3
"""Distils the last exit of a multi-exit policy into its earlier exits' heads (our addition, not DeeR).

Called by `npm run train:controller` (scripts/train-controller.ts, the distillation stage). DeeR
trains every exit on the expert's labels, so exit k and exit K are two fits of the same labels with
about the same held-out error, and in closed loop two such fits drive apart (a step that stops
early is judged against full depth, which it does not imitate). Here the trunk (stem and blocks) and
the last exit stay as they are, and each earlier head (Linear W->2 on that block's hidden state) is
refitted by ridge regression to the last exit's action on the training rows — the states of the
data files, among them roll-outs driven by the early-exit controller itself. Full depth is unchanged
to the bit; a step that stops at exit k returns the best linear read-out of full depth's action
from block k's hidden state.

Reads the model in --model-in (block{k}.onnx with float16 weights, manifest.json), writes --out:
the blocks (block K copied, blocks 1..K-1 with the new head), calibration.f32 (held-out rows of
[exit actions K*2, label 2], computed with the float16-rounded weights as at run time) and
manifest.json. Data files: float32 rows of [features (F), action (2), run id]; runs with
id % 5 == 0 are held out (split by run, never by sample), as in train.py.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper

HELD_OUT_MAX = 6000
# ridge strength, relative to the mean diagonal of the hidden states' Gram matrix
RIDGE = 1e-4


def load(files, features):
    rows = [np.fromfile(f, dtype=np.float32).reshape(-1, features + 3) for f in files]
    d = np.concatenate(rows, axis=0)
    return d[:, :features], d[:, features:features + 2], d[:, features + 2].astype(np.int64)


def weights(model):
    return {i.name: numpy_helper.to_array(i).astype(np.float32) for i in model.graph.initializer}


def hidden_states(blocks, x):
    """Hidden state after each block (n x W per block), float32 on the float16 weights (as ORT computes)."""
    w0 = blocks[0]
    h = np.maximum(x @ w0['stem_w16'] + w0['stem_b16'], 0)
    hs = []
    for w in blocks:
        h = h + np.maximum(h @ w['block_w16'] + w['block_b16'], 0)
        hs.append(h)
    return hs


def head(w, h):
    return h @ w['head_w16'] + w['head_b16']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model-in', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--data', nargs='+', required=True)
    ap.add_argument('--features', type=int, required=True)
    ap.add_argument('--data-sha256', default='')
    ap.add_argument('--command', default='')
    args = ap.parse_args()
    with open(os.path.join(args.model_in, 'manifest.json')) as f:
        manifest = json.load(f)
    models = [onnx.load(os.path.join(args.model_in, b)) for b in manifest['blockFiles']]
    blocks = [weights(m) for m in models]
    K = len(blocks)
    x, y, run = load(args.data, args.features)
    held = run % 5 == 0
    xt = x[~held]
    xh, yh = x[held][:HELD_OUT_MAX], y[held][:HELD_OUT_MAX]
    print(f'distil.py: {len(xt)} train / {int(held.sum())} held-out rows, exits 1..{K - 1} to exit {K}', flush=True)
    hs = hidden_states(blocks, xt)
    target = head(blocks[-1], hs[-1])
    for k in range(K - 1):
        h = np.concatenate([hs[k], np.ones((len(xt), 1), np.float32)], axis=1).astype(np.float64)
        g = h.T @ h
        lam = RIDGE * np.trace(g) / len(g)
        reg = lam * np.eye(len(g))
        reg[-1, -1] = 0  # the bias is not shrunk
        sol = np.linalg.solve(g + reg, h.T @ target.astype(np.float64))
        before = np.sqrt(((head(blocks[k], hs[k]) - target) ** 2).mean())
        w16 = sol[:-1].astype(np.float16)
        b16 = sol[-1].astype(np.float16)
        blocks[k]['head_w16'] = w16.astype(np.float32)
        blocks[k]['head_b16'] = b16.astype(np.float32)
        after = np.sqrt(((head(blocks[k], hs[k]) - target) ** 2).mean())
        print(f'exit {k + 1}: rms gap to exit {K} on the training rows {before:.4f} -> {after:.4f}', flush=True)
        for init in models[k].graph.initializer:
            if init.name == 'head_w16':
                init.CopyFrom(numpy_helper.from_array(w16, 'head_w16'))
            elif init.name == 'head_b16':
                init.CopyFrom(numpy_helper.from_array(b16, 'head_b16'))
    os.makedirs(args.out, exist_ok=True)
    for m, name in zip(models, manifest['blockFiles']):
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(args.out, name))
    hh = hidden_states(blocks, xh)
    ex = np.stack([head(w, h) for w, h in zip(blocks, hh)], axis=1)  # n x K x 2
    np.concatenate([ex.reshape(len(xh), -1), yh], axis=1).astype(np.float32).tofile(
        os.path.join(args.out, 'calibration.f32'))
    per_exit = []
    for k in range(K):
        err = ex[:, k, :] - yh
        agree = np.linalg.norm(ex[:, k, :] - ex[:, k - 1, :], axis=1) if k > 0 else None
        gap = np.linalg.norm(ex[:, k, :] - ex[:, -1, :], axis=1)
        per_exit.append({
            **manifest['perExit'][k],
            'heldOutMaeAccelMps2': float(np.abs(err[:, 0]).mean() * 3),
            'heldOutMaeSteerRad': float(np.abs(err[:, 1]).mean() * 0.5),
            'heldOutRmseNormalised': float(np.sqrt((err ** 2).mean())),
            'agreementWithPreviousMedian': float(np.median(agree)) if agree is not None else None,
            'gapToLastExitMedian': float(np.median(gap)),
        })
    out = {
        **manifest,
        'command': args.command,
        'dataSha256': manifest['dataSha256'] + (args.data_sha256.split(',') if args.data_sha256 else []),
        'distilled': {
            'from': manifest.get('command', ''),
            'heads': f'exits 1..{K - 1} refitted (ridge {RIDGE} x mean Gram diagonal) to exit {K} on {len(xt)} rows',
            'trainRows': int(len(xt)),
        },
        'perExit': per_exit,
        'calibration': {'file': 'calibration.f32', 'rows': int(len(xh)), 'layout': 'exit actions K*2, label 2'},
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(out, f, indent=2)
    for e in per_exit:
        print(json.dumps(e))


if __name__ == '__main__':
    main()
