"""Speed of agreement: 10 coders x 5,000 units x 50 codes, alpha per code + overall + 1,000
bootstrap samples (issue 7 target: under 5 s).

Run: .venv/bin/python benchmarks/bench_agreement.py
"""

from __future__ import annotations

import time

import numpy as np

from workbench.agreement import presence_agreement

CODERS, UNITS, CODES, SAMPLES = 10, 5_000, 50, 1_000
TARGET_S = 5.0


def fictional_presence(seed: int = 0) -> np.ndarray:
    """Synthetic presence/absence judgements: a true code rate per code plus coder noise."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.02, 0.3, size=(CODES, 1, 1))
    truth = rng.random((CODES, UNITS, 1)) < rates
    noise = rng.random((CODES, UNITS, CODERS)) < 0.08
    presence = (truth ^ noise).astype(float)
    presence[:, rng.random(UNITS) < 0.05, 3] = np.nan  # one coder skipped some units
    return presence


def main() -> None:
    presence = fictional_presence()
    start = time.perf_counter()
    result = presence_agreement(presence, n_samples=SAMPLES, seed=0)
    elapsed = time.perf_counter() - start
    ok = "OK" if elapsed < TARGET_S else "TOO SLOW"
    print(
        f"agreement: {CODERS} coders x {UNITS:,} units x {CODES} codes, alpha per code + overall "
        f"+ {SAMPLES:,} bootstrap samples: {elapsed:.2f} s (target < {TARGET_S:.0f} s) {ok}"
    )
    print(f"  overall alpha {result.overall['alpha']:.4f}, 95% CI "
          f"[{result.overall['alpha_ci'][0]:.4f}, {result.overall['alpha_ci'][1]:.4f}]")


if __name__ == "__main__":
    main()
