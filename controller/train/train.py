#!/usr/bin/python3
"""Trains the multi-exit control policy and exports one ONNX file per block.

Called by `npm run train:controller` (scripts/train-controller.ts) with the collected data files.
Each data file is float32 rows of [features (F), action (2), run id]; runs with id % 5 == 0 are
held out (split by run, never by sample). The network: a stem (Linear F->W, ReLU) and K residual
blocks h_k = h_{k-1} + ReLU(W_k h_{k-1} + b_k), each followed by its own action head (Linear W->2);
all exits trained jointly with equal weights on the expert's actions (DeeR-VLA). Weights are
stored in float16 (the file size budget) and cast to float32 inside the graph, which ONNX Runtime
folds at load, so inference runs in float32 on the rounded weights; the held-out metrics below are
computed with the same rounded weights.

Writes into --out: block{k}.onnx (k = 1..K; block 1 includes the stem), calibration.f32 (held-out
rows of [exit actions K*2, label 2]) and manifest.json.
"""
import argparse
import json
import os
import time

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

WIDTH = 512
BLOCKS = 6
SEED = 12
HELD_OUT_MAX = 6000


def load(files, features):
    rows = [np.fromfile(f, dtype=np.float32).reshape(-1, features + 3) for f in files]
    d = np.concatenate(rows, axis=0)
    return d[:, :features], d[:, features:features + 2], d[:, features + 2].astype(np.int64)


class MultiExit(torch.nn.Module):
    def __init__(self, features):
        super().__init__()
        self.stem = torch.nn.Linear(features, WIDTH)
        self.blocks = torch.nn.ModuleList([torch.nn.Linear(WIDTH, WIDTH) for _ in range(BLOCKS)])
        self.heads = torch.nn.ModuleList([torch.nn.Linear(WIDTH, 2) for _ in range(BLOCKS)])

    def forward(self, x):
        h = torch.relu(self.stem(x))
        outs = []
        for blk, head in zip(self.blocks, self.heads):
            h = h + torch.relu(blk(h))
            outs.append(head(h))
        return outs


def rounded(t):
    return t.detach().cpu().numpy().astype(np.float16).astype(np.float32)


def exits_numpy(model, x):
    """Every exit's action with the float16-rounded weights (what the ONNX files compute)."""
    h = np.maximum(x @ rounded(model.stem.weight).T + rounded(model.stem.bias), 0)
    outs = []
    for blk, head in zip(model.blocks, model.heads):
        h = h + np.maximum(h @ rounded(blk.weight).T + rounded(blk.bias), 0)
        outs.append(h @ rounded(head.weight).T + rounded(head.bias))
    return np.stack(outs, axis=1)  # n x K x 2


def linear_nodes(prefix, inp, weight, bias, nodes, inits):
    w = rounded(weight).T.astype(np.float16)  # in x out
    b = rounded(bias).astype(np.float16)
    inits.append(numpy_helper.from_array(w, f'{prefix}_w16'))
    inits.append(numpy_helper.from_array(b, f'{prefix}_b16'))
    nodes.append(helper.make_node('Cast', [f'{prefix}_w16'], [f'{prefix}_w'], to=TensorProto.FLOAT))
    nodes.append(helper.make_node('Cast', [f'{prefix}_b16'], [f'{prefix}_b'], to=TensorProto.FLOAT))
    nodes.append(helper.make_node('MatMul', [inp, f'{prefix}_w'], [f'{prefix}_mm']))
    nodes.append(helper.make_node('Add', [f'{prefix}_mm', f'{prefix}_b'], [f'{prefix}_out']))
    return f'{prefix}_out'


def export_block(model, k, features, path):
    nodes, inits = [], []
    if k == 0:
        inp = helper.make_tensor_value_info('features', TensorProto.FLOAT, ['n', features])
        s = linear_nodes('stem', 'features', model.stem.weight, model.stem.bias, nodes, inits)
        nodes.append(helper.make_node('Relu', [s], ['h_in']))
        h_in = 'h_in'
    else:
        inp = helper.make_tensor_value_info('hidden_in', TensorProto.FLOAT, ['n', WIDTH])
        h_in = 'hidden_in'
    blk = model.blocks[k]
    z = linear_nodes('block', h_in, blk.weight, blk.bias, nodes, inits)
    nodes.append(helper.make_node('Relu', [z], ['block_relu']))
    nodes.append(helper.make_node('Add', [h_in, 'block_relu'], ['hidden']))
    head = model.heads[k]
    a = linear_nodes('head', 'hidden', head.weight, head.bias, nodes, inits)
    nodes.append(helper.make_node('Identity', [a], ['action']))
    outs = [
        helper.make_tensor_value_info('hidden', TensorProto.FLOAT, ['n', WIDTH]),
        helper.make_tensor_value_info('action', TensorProto.FLOAT, ['n', 2]),
    ]
    graph = helper.make_graph(nodes, f'edgeplan_exit{k + 1}', [inp], outs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='edgeplan')
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def block_flops(k, features):
    """Multiply-adds x 2 plus the bias adds, ReLU and residual of block k (0-based)."""
    f = 2 * WIDTH * WIDTH + 3 * WIDTH + 2 * WIDTH * 2 + 2
    if k == 0:
        f += 2 * features * WIDTH + 2 * WIDTH
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', nargs='+', required=True)
    ap.add_argument('--features', type=int, required=True)
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--out', required=True)
    ap.add_argument('--data-sha256', default='')
    ap.add_argument('--command', default='')
    ap.add_argument('--init', default='', help='start from these weights (a state dict saved by --save)')
    ap.add_argument('--consistency', type=float, default=0.0,
                    help='weight of the pull of exits 1..K-1 toward the last exit (self-distillation)')
    ap.add_argument('--save', default='', help='save the trained weights (torch state dict) here')
    args = ap.parse_args()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(int(os.environ.get('EDGEPLAN_TRAIN_THREADS', '1')))
    x, y, run = load(args.data, args.features)
    held = run % 5 == 0
    xt, yt = torch.from_numpy(x[~held]), torch.from_numpy(y[~held])
    xh, yh = x[held][:HELD_OUT_MAX], y[held][:HELD_OUT_MAX]
    print(f'train.py: {len(xt)} train / {int(held.sum())} held-out samples, {args.epochs} epochs', flush=True)
    model = MultiExit(args.features)
    if args.init:
        model.load_state_dict(torch.load(args.init))
        print(f'train.py: starting from {args.init}', flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = 128
    steps = args.epochs * ((len(xt) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    t0 = time.time()
    for ep in range(args.epochs):
        perm = torch.randperm(len(xt))
        tot = 0.0
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            outs = model(xt[idx])
            loss = sum(torch.nn.functional.smooth_l1_loss(o, yt[idx], beta=0.05) for o in outs) / BLOCKS
            if args.consistency > 0:
                # our addition (not DeeR): each earlier exit is also pulled toward the last exit's action
                # (detached), so that a step that stops early acts as full depth would have, not as a
                # different fit of the same labels: in closed loop two fits of equal held-out error drive
                # apart, and early exit is judged against full depth
                last = outs[-1].detach()
                loss = loss + args.consistency * sum(
                    torch.nn.functional.smooth_l1_loss(o, last, beta=0.05) for o in outs[:-1]) / BLOCKS
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(idx)
        if True:
            print(f'epoch {ep + 1}: loss {tot / len(xt):.5f} ({time.time() - t0:.0f} s)', flush=True)
    model.eval()
    if args.save:
        torch.save(model.state_dict(), args.save)
    os.makedirs(args.out, exist_ok=True)
    for k in range(BLOCKS):
        export_block(model, k, args.features, os.path.join(args.out, f'block{k + 1}.onnx'))
    with torch.no_grad():
        ex = exits_numpy(model, xh)
    np.concatenate([ex.reshape(len(xh), -1), yh], axis=1).astype(np.float32).tofile(
        os.path.join(args.out, 'calibration.f32'))
    flops = [block_flops(k, args.features) for k in range(BLOCKS)]
    cum = np.cumsum(flops)
    per_exit = []
    for k in range(BLOCKS):
        err = ex[:, k, :] - yh
        agree = np.linalg.norm(ex[:, k, :] - ex[:, k - 1, :], axis=1) if k > 0 else None
        per_exit.append({
            'exit': k + 1,
            'flops': int(cum[k]),
            'computeFraction': float(cum[k] / cum[-1]),
            'heldOutMaeAccelMps2': float(np.abs(err[:, 0]).mean() * 3),
            'heldOutMaeSteerRad': float(np.abs(err[:, 1]).mean() * 0.5),
            'heldOutRmseNormalised': float(np.sqrt((err ** 2).mean())),
            'agreementWithPreviousMedian': float(np.median(agree)) if agree is not None else None,
        })
    manifest = {
        'format': 'edgeplan-early-exit/1',
        'command': args.command,
        'dataSha256': args.data_sha256.split(',') if args.data_sha256 else [],
        'samples': {'train': int(len(xt)), 'heldOut': int(len(xh))},
        'features': args.features,
        'actionScale': {'accelMps2': 3, 'steerRad': 0.5},
        'width': WIDTH,
        'blocks': BLOCKS,
        'blockFiles': [f'block{k + 1}.onnx' for k in range(BLOCKS)],
        'blockFlops': flops,
        'weightsDtype': 'float16 (cast to float32 in the graph)',
        'epochs': args.epochs,
        'consistency': args.consistency,
        'initialisedFrom': os.path.basename(args.init) if args.init else None,
        'seed': SEED,
        'torch': torch.__version__,
        'onnx': onnx.__version__,
        'perExit': per_exit,
        'calibration': {'file': 'calibration.f32', 'rows': int(len(xh)), 'layout': 'exit actions K*2, label 2'},
    }
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    for e in per_exit:
        print(json.dumps(e))


if __name__ == '__main__':
    main()
