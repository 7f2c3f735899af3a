#!/usr/bin/env python3
"""PyTorch (CPU) reference timing for `npm run bench`: the same one-block pre-LN classifier as src/model
(docs/model.md, "Forward pass"), the same batch, the same training step (forward + backward + Adam).
MHA and IHA attention run through torch.nn.functional.scaled_dot_product_attention, as a PyTorch user
would write them (Talking Heads mixes between the two products, so it cannot).

Usage: python3 bench/torch_step.py '<json config>'   (bench/run.ts builds the config)
Prints ONE JSON object on stdout. If torch cannot be imported it prints {"error": "..."} and exits 3.

Config keys: cases [{label, arch, P}], B, N, m, D, H, d, F, lr, warmup, steps (per label), threads [ints],
matmul_n. Initial values are random (timing only); shapes and ops follow docs/model.md.
"""
import json
import os
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as Fn
except Exception as exc:  # noqa: BLE001 - any import failure means "no torch here"
    print(json.dumps({"error": f"cannot import torch: {exc}", "python": sys.executable}))
    sys.exit(3)


class Model(torch.nn.Module):
    """One pre-LN block: one-hot embedding, MHA / Talking Heads / IHA, ReLU MLP, final LN, one logit."""

    def __init__(self, arch, m, D, H, d, F, P):
        super().__init__()
        self.arch, self.m, self.D, self.H, self.d, self.F, self.P = arch, m, D, H, d, F, P
        r = lambda *s, std=1.0: torch.nn.Parameter(torch.randn(*s) * std)  # noqa: E731
        z = lambda *s: torch.nn.Parameter(torch.zeros(*s))  # noqa: E731
        self.W_bit, self.W_row, self.W_col = r(2, D), r(m, D), r(m, D)
        self.ln1, self.ln2, self.ln_f = (torch.nn.LayerNorm(D, eps=1e-5) for _ in range(3))
        self.W_Q, self.W_K, self.W_V = (r(H, D, d, std=D ** -0.5) for _ in range(3))
        self.b_Q, self.b_V = z(H, d), z(H, d)
        self.W_O, self.b_O = r(H, d, D, std=(H * d) ** -0.5), z(D)
        self.W_in, self.b_in = r(D, F, std=D ** -0.5), z(F)
        self.W_out, self.b_out = r(F, D, std=F ** -0.5), z(D)
        self.W_U, self.b_U = r(D, 1, std=D ** -0.5), z(1)
        eye = torch.eye(H)
        if arch == "talking_heads":
            self.P_l = torch.nn.Parameter(eye + 0.01 * torch.randn(H, H))
            self.P_w = torch.nn.Parameter(eye + 0.01 * torch.randn(H, H))
        if arch == "iha":
            a = eye[:, :, None].expand(H, H, P)
            self.alpha_Q, self.alpha_K, self.alpha_V = (
                torch.nn.Parameter(a + 0.1 * torch.randn(H, H, P)) for _ in range(3)
            )
            R = torch.repeat_interleave(eye, P, dim=1) / P  # R[i, i'·P + p] = 1(i = i')/P
            self.R = torch.nn.Parameter(R + (0.1 / P) * torch.randn(H, H * P))
        n = torch.arange(m * m)
        self.register_buffer("row_oh", Fn.one_hot(n // m, m).float())  # [N, m]
        self.register_buffer("col_oh", Fn.one_hot(n % m, m).float())  # [N, m]

    def heads(self, x, W, b):
        """x [B,N,D] · W [H,D,d] (+ b [H,d]) → [B,H,N,d] (one 2-D product, like projectHeads)."""
        B, N, D = x.shape
        y = (x.reshape(B * N, D) @ W.permute(1, 0, 2).reshape(D, self.H * self.d)).view(B, N, self.H, self.d)
        if b is not None:
            y = y + b
        return y.transpose(1, 2)

    def attention(self, x1):
        B, N, _ = x1.shape
        H, d, P = self.H, self.d, self.P
        s = d ** -0.5
        q, k, v = self.heads(x1, self.W_Q, self.b_Q), self.heads(x1, self.W_K, None), self.heads(x1, self.W_V, self.b_V)
        if self.arch == "mha":
            z = Fn.scaled_dot_product_attention(q, k, v)  # [B,H,N,d], scale 1/√d
        elif self.arch == "talking_heads":
            J = (q * s) @ k.transpose(-1, -2)  # [B,H,N,N]
            L = torch.einsum("bgnk,gh->bhnk", J, self.P_l)
            U = torch.einsum("bgnk,gh->bhnk", torch.softmax(L, dim=-1), self.P_w)
            z = U @ v
        else:  # iha: token-major interleave, softmax over all N·P keys, global collapse R
            mix = lambda a, t: torch.einsum("mhp,bmne->bhnpe", a, t).reshape(B, H, N * P, d)  # noqa: E731
            qt, kt, vt = mix(self.alpha_Q, q), mix(self.alpha_K, k), mix(self.alpha_V, v)
            ob = Fn.scaled_dot_product_attention(qt, kt, vt)  # [B,H,NP,d], softmax over all N·P keys
            z = torch.einsum("ijp,bjnpe->bine", self.R.view(H, H, P), ob.view(B, H, N, P, d))
        return torch.einsum("bhne,hec->bnc", z, self.W_O) + self.b_O  # [B,N,D]

    def forward(self, bits):
        x = Fn.one_hot(bits, 2).float() @ self.W_bit + (self.row_oh @ self.W_row + self.col_oh @ self.W_col)
        x = x + self.attention(self.ln1(x))
        x = x + torch.relu(self.ln2(x) @ self.W_in + self.b_in) @ self.W_out + self.b_out
        return (self.ln_f(x) @ self.W_U + self.b_U).squeeze(-1)  # [B,N]


def time_steps(model, bits, labels, lr, warmup, steps):
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    ms = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = Fn.binary_cross_entropy_with_logits(model(bits), labels)
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms)


def product_gflops(a, b, reps=5):
    """Median GFLOP/s of the square product a @ b (one warm-up product first)."""
    n = a.shape[0]
    a @ b
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(ts) / 1e9


def matmul_gflops(n, reps=5):
    return product_gflops(torch.randn(n, n), torch.randn(n, n), reps)


def numpy_gflops(n, reps=5):
    try:
        import numpy as np
    except Exception:  # noqa: BLE001
        return None
    return product_gflops(np.random.randn(n, n).astype(np.float32), np.random.randn(n, n).astype(np.float32), reps)


def main():
    cfg = json.loads(sys.argv[1])
    torch.manual_seed(0)
    default_threads = torch.get_num_threads()
    threads = sorted(set(cfg["threads"] + [default_threads]))
    B, N, m = cfg["B"], cfg["N"], cfg["m"]
    bits = torch.randint(0, 2, (B, N))
    labels = torch.randint(0, 2, (B, N)).float()
    out = {
        "torch": torch.__version__,
        "python": sys.executable,
        "default_threads": default_threads,
        "cpu_count": os.cpu_count(),
        "matmul_n": cfg["matmul_n"],
        "matmul_gflops": {},
        "numpy_matmul_gflops": numpy_gflops(cfg["matmul_n"]),
        "cases": [],
    }
    for t in threads:
        torch.set_num_threads(t)
        out["matmul_gflops"][str(t)] = matmul_gflops(cfg["matmul_n"])
    for case in cfg["cases"]:
        row = {"label": case["label"], "ms": {}}
        for t in threads:
            torch.set_num_threads(t)
            torch.manual_seed(0)
            model = Model(case["arch"], m, cfg["D"], cfg["H"], cfg["d"], cfg["F"], case["P"])
            row["ms"][str(t)] = time_steps(model, bits, labels, cfg["lr"], cfg["warmup"], cfg["steps"][case["label"]])
        out["cases"].append(row)
    torch.set_num_threads(default_threads)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
