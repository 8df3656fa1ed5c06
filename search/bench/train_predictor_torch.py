#!/usr/bin/env python3
"""PyTorch side-by-side for bench-train-predictor (never run by tests or CI).

Trains OFA's predictor MLP with torch.optim.Adam on the data bench-train-predictor exported
(train.yaml, test.yaml, init.pt: our initialisation), with the same recipe (MSE, batch 64,
lr 1e-3 annealed to 0 by a cosine over 100 epochs, weight decay 1e-4, the label standardised
by the training labels' mean and standard deviation), and prints its
error on test.yaml next to ours (ours.pt) and its time.
    python3 search/bench/train_predictor_torch.py EXPORT_DIR [THREADS]
"""
import sys
import time

import torch
import yaml


def encode(a):
    # OFA's arch_encoder for the MobileNetV3 spaces: 3 kernel + 3 expand one-hots per block,
    # inactive blocks zero, and the resolution bucket (16 wide from 112).
    x = torch.zeros(128)
    for s in range(5):
        for b in range(a["d"][s]):
            i = 4 * s + b
            x[3 * i + [3, 5, 7].index(a["ks"][i])] = 1
            x[60 + 3 * i + [3, 4, 6].index(a["e"][i])] = 1
    x[120 + (a["r"] - 112) // 16] = 1
    return x


def load(path):
    d = yaml.safe_load(open(path))
    return torch.stack([encode(v) for v in d.values()]), torch.tensor([float(v["accuracy"]) for v in d.values()])


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(128, 400), torch.nn.ReLU(), torch.nn.Linear(400, 400), torch.nn.ReLU(),
                               torch.nn.Linear(400, 400), torch.nn.ReLU(), torch.nn.Linear(400, 1))


def main():
    folder = sys.argv[1]
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    x, y = load(folder + "/train.yaml")
    tx, ty = load(folder + "/test.yaml")
    net = mlp()
    net.load_state_dict(torch.load(folder + "/init.pt"))
    # As ours from scratch: the network learns the standardised label, the scale folded back.
    base = y.mean()
    scale = y.std(unbiased=False)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for _ in range(100):
        perm = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            loss = torch.nn.functional.mse_loss(net(x[idx]).squeeze(1), (y[idx] - base) / scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        ours = mlp()
        ours.load_state_dict(torch.load(folder + "/ours.pt"))
        for name, pred in (("pytorch", net(tx).squeeze(1) * scale + base), ("ours (ours.pt)", ours(tx).squeeze(1))):
            e = pred - ty
            print(f"{name:16s} test RMSE {e.pow(2).mean().sqrt():.5f}  MAE {e.abs().mean():.5f}")
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads: {seconds:.2f} s for 100 epochs")


if __name__ == "__main__":
    main()
