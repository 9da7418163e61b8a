"""PyTorch versions of the densityjs models the bench times (and trains, in quality runs).

MADE (Germain et al. 2015) with masks built as in @densityjs/made: input degrees 1..D in the
given order, hidden degrees cycling over 1..D-1 ("equal"), masks `>=` for input/hidden layers
and strict `>` for the output layer; ReLU hidden layers; `params` outputs per dimension.
MAF (Papamakarios et al. 2017): each layer x = u * exp(log_scale(x_<i)) + shift(x_<i), the
log-density in one MADE pass per layer, sampling in D passes; order reversed between layers.
IAF (Kingma et al. 2016): the same layer applied to the noise, so sampling is one pass.
RealNVP (Dinh et al. 2017): affine coupling, halves swapped between layers, ReLU MLPs.
MDN (Bishop 1994): Linear -> tanh -> heads for logits, locations and log-scales.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_2PI = math.log(2 * math.pi)


def normal_log_prob(x, loc, scale):
    z = (x - loc) / scale
    return -0.5 * z * z - math.log(scale) - 0.5 * LOG_2PI if isinstance(scale, float) else \
        -0.5 * z * z - torch.log(scale) - 0.5 * LOG_2PI


def mixture_log_prob(x, logits, loc, scale):
    """log sum_k softmax(logits)_k N(x | loc_k, scale_k), in log space."""
    z = (x.unsqueeze(-1) - loc) / scale
    comp = -0.5 * z * z - torch.log(scale) - 0.5 * LOG_2PI
    return torch.logsumexp(comp + F.log_softmax(logits, -1), -1)


def made_masks(d, hidden):
    degrees = [torch.arange(1, d + 1)]
    for h in hidden:
        degrees.append(torch.arange(h) % max(1, d - 1) + 1)
    masks = []
    for prev, cur in zip(degrees[:-1], degrees[1:]):
        masks.append((cur[:, None] >= prev[None, :]).float())
    masks.append((degrees[0][:, None] > degrees[-1][None, :]).float())
    return masks


class MaskedLinear(nn.Linear):
    def __init__(self, n_in, n_out, mask):
        super().__init__(n_in, n_out)
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)


class MADE(nn.Module):
    def __init__(self, d, hidden, params=2):
        super().__init__()
        self.d, self.params = d, params
        masks = made_masks(d, hidden)
        sizes = [d] + list(hidden)
        self.hidden = nn.ModuleList(MaskedLinear(a, b, m) for a, b, m in zip(sizes[:-1], sizes[1:], masks[:-1]))
        out_mask = masks[-1].repeat_interleave(params, 0)  # rows: dim-major, then param
        self.out = MaskedLinear(sizes[-1], d * params, out_mask)
        nn.init.zeros_(self.out.weight)  # start close to the identity flow
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        h = x
        for layer in self.hidden:
            h = F.relu(layer(h))
        return self.out(h).view(*x.shape[:-1], self.d, self.params)


class MAF(nn.Module):
    def __init__(self, d, hidden, layers=5):
        super().__init__()
        self.d = d
        self.mades = nn.ModuleList(MADE(d, hidden, 2) for _ in range(layers))

    def log_prob(self, x):
        """Inverse pass, data -> noise: one MADE pass per layer."""
        log_det = torch.zeros(x.shape[0])
        h = x
        for i in reversed(range(len(self.mades))):
            out = self.mades[i](h)
            shift, log_scale = out[..., 0], out[..., 1]
            h = (h - shift) * torch.exp(-log_scale)
            log_det = log_det - log_scale.sum(-1)
            if i > 0:
                h = h.flip(-1)  # the order reversal between layers
        base = -0.5 * (h * h).sum(-1) - 0.5 * self.d * LOG_2PI
        return base + log_det

    def sample(self, n):
        """Forward pass, noise -> data: D sequential MADE passes per layer."""
        u = torch.randn(n, self.d)
        for i, made in enumerate(self.mades):
            x = torch.zeros_like(u)
            for _ in range(self.d):
                out = made(x)
                x = u * torch.exp(out[..., 1]) + out[..., 0]
            u = x.flip(-1) if i < len(self.mades) - 1 else x
        return u


class IAF(MAF):
    def sample(self, n):
        """One MADE pass per layer."""
        h = torch.randn(n, self.d)
        for i, made in enumerate(self.mades):
            out = made(h)
            h = h * torch.exp(out[..., 1]) + out[..., 0]
            if i < len(self.mades) - 1:
                h = h.flip(-1)
        return h


def mlp(n_in, hidden, n_out):
    layers, sizes = [], [n_in] + list(hidden)
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    last = nn.Linear(sizes[-1], n_out)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


class RealNVP(nn.Module):
    """Affine coupling: the first d//2 dims condition shift and log-scale of the rest."""

    def __init__(self, d, hidden, layers=5):
        super().__init__()
        self.d, self.k = d, d // 2
        self.nets = nn.ModuleList(mlp(self.k, hidden, 2 * (d - self.k)) for _ in range(layers))

    def log_prob(self, x):
        log_det = torch.zeros(x.shape[0])
        h = x
        for i in reversed(range(len(self.nets))):
            a, b = h[:, : self.k], h[:, self.k:]
            shift, log_scale = self.nets[i](a).chunk(2, -1)
            b = (b - shift) * torch.exp(-log_scale)
            log_det = log_det - log_scale.sum(-1)
            h = torch.cat([a, b], -1)
            if i > 0:
                h = h.flip(-1)
        return -0.5 * (h * h).sum(-1) - 0.5 * self.d * LOG_2PI + log_det


class MDN(nn.Module):
    def __init__(self, n_in, hidden, k):
        super().__init__()
        self.h = nn.Sequential(nn.Linear(n_in, hidden), nn.Tanh())
        self.heads = nn.Linear(hidden, 3 * k)  # logits, locations, log-scales in one matmul
        self.k = k

    def log_prob(self, x, y):
        logits, loc, log_scale = self.heads(self.h(x)).split(self.k, -1)
        z = (y - loc) * torch.exp(-log_scale)
        comp = -0.5 * z * z - log_scale - 0.5 * LOG_2PI
        return torch.logsumexp(comp + F.log_softmax(logits, -1), -1)


def rational_quadratic_spline(x, params, bins, bound, inverse=False):
    """Monotone rational-quadratic spline of Durkan et al. (2019) on [-bound, bound], identity
    outside (linear tails, boundary derivatives 1). `params` has 3K - 1 numbers per unit:
    K width logits, K height logits, K - 1 interior derivatives (through softplus, + 1e-3
    minimum, as @densityjs/bijectors). Returns (y, log|dy/dx|) elementwise."""
    k = bins
    w_logits, h_logits, d_raw = params[..., :k], params[..., k:2 * k], params[..., 2 * k:]
    min_w = 1e-3
    widths = min_w + (1 - min_w * k) * F.softmax(w_logits, -1)
    heights = min_w + (1 - min_w * k) * F.softmax(h_logits, -1)
    derivs = F.softplus(d_raw) + 1e-3
    ones = torch.ones(*derivs.shape[:-1], 1)
    derivs = torch.cat([ones, derivs, ones], -1)
    cw = F.pad(torch.cumsum(widths, -1), (1, 0)) * 2 * bound - bound
    ch = F.pad(torch.cumsum(heights, -1), (1, 0)) * 2 * bound - bound
    cw[..., -1] = bound
    ch[..., -1] = bound
    inside = (x >= -bound) & (x <= bound)
    xc = x.clamp(-bound, bound)
    knots = ch if inverse else cw
    idx = (torch.searchsorted(knots[..., 1:-1].contiguous(), xc.unsqueeze(-1))).clamp(0, k - 1)
    g = lambda t: t.gather(-1, idx).squeeze(-1)
    x0, w, y0, h = g(cw[..., :-1]), g(cw[..., 1:] - cw[..., :-1]), g(ch[..., :-1]), g(ch[..., 1:] - ch[..., :-1])
    d0, d1 = g(derivs[..., :-1]), g(derivs[..., 1:])
    s = h / w
    if inverse:
        yy = xc - y0
        a = h * (s - d0) + yy * (d1 + d0 - 2 * s)
        b = h * d0 - yy * (d1 + d0 - 2 * s)
        c = -s * yy
        theta = 2 * c / (-b - torch.sqrt(b * b - 4 * a * c))
        out = theta * w + x0
    else:
        theta = (xc - x0) / w
        tt = theta * (1 - theta)
        out = y0 + h * (s * theta * theta + d0 * tt) / (s + (d1 + d0 - 2 * s) * tt)
    tt = theta * (1 - theta)
    denom = s + (d1 + d0 - 2 * s) * tt
    deriv = s * s * (d1 * theta * theta + 2 * s * tt + d0 * (1 - theta) ** 2) / (denom * denom)
    log_det = torch.log(deriv)
    if inverse:
        log_det = -log_det
    return torch.where(inside, out, x), torch.where(inside, log_det, torch.zeros_like(x))


class NSF(nn.Module):
    """Rational-quadratic spline coupling (RQ-NSF (C)): the first d//2 units pass through and
    give the 3K - 1 spline parameters of each other unit; halves reversed between layers."""

    def __init__(self, d, hidden, layers=5, bins=8, bound=4.0):
        super().__init__()
        self.d, self.k, self.bins, self.bound = d, d // 2, bins, bound
        self.p = 3 * bins - 1
        self.nets = nn.ModuleList(mlp(self.k, hidden, self.p * (d - self.k)) for _ in range(layers))

    def log_prob(self, x):
        log_det = torch.zeros(x.shape[0])
        h = x
        for i in reversed(range(len(self.nets))):
            a, b = h[:, : self.k], h[:, self.k:]
            params = self.nets[i](a).view(x.shape[0], self.d - self.k, self.p)
            b, ld = rational_quadratic_spline(b, params, self.bins, self.bound, inverse=True)
            log_det = log_det + ld.sum(-1)
            h = torch.cat([a, b], -1)
            if i > 0:
                h = h.flip(-1)
        return -0.5 * (h * h).sum(-1) - 0.5 * self.d * LOG_2PI + log_det
