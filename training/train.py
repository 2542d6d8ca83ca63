"""Train a ResEmoteNet variant on FER2013 (or any folder dataset).

  /usr/bin/python3 training/train.py --variant resemotenet_s --out runs/resemotenet_s
  torchrun --nproc-per-node 8 training/train.py --variant resemotenet ...   # several GPUs

Recipe (each part a flag below): SGD + Nesterov, linear warm-up then cosine decay, label
smoothing, mild inverse-frequency class weights, batched GPU/CPU augmentation (rescale, rotation,
shift, flip, brightness/contrast, erasing), an exponential moving average of the weights,
bf16 autocast and channels-last on CUDA. Selection: the best PublicTest accuracy (raw or EMA
weights) is saved as best.pt; last.pt resumes an interrupted run exactly where it stopped.
Log: <out>/log.csv, one row per epoch.
"""
from __future__ import annotations

import copy
import csv
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from augment import AugmentConfig, augment_pair
from checkpoint import load_checkpoint, read_checkpoint, save_checkpoint
from cli import parse_into, run_cli
from contract import CLASSES, PREPROCESSING
from data import DataError, FaceSet, attach_ferplus, class_weights, concat_sets, load_data
from degrade import DegradeConfig
from losses import distillation_loss, log_prior, mix_batch, soft_cross_entropy
from metrics import confusion_matrix, summarize
from model import VARIANTS, count_parameters, create_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fer2013"


SELECT_RULES = ("accuracy", "macro_f1", "mean_f1", "pooled_f1", "last")


@dataclass
class TrainConfig:
    data: str = str(DEFAULT_DATA)  # image-folder root, fer2013.csv, or the packed folder
    variant: str = "resemotenet_s"  # model.VARIANTS: resemotenet | resemotenet_s
    out: str = "runs/resemotenet_s"  # folder for best.pt, last.pt, log.csv
    epochs: int = 60  # passes over Training
    batch_size: int = 64  # per process
    lr: float = 0.05  # peak learning rate (after warm-up), for batch 64; scale it with the batch
    min_lr: float = 0.0005  # learning rate at the end of the cosine decay
    warmup_epochs: float = 2.0  # linear warm-up from lr / 20
    momentum: float = 0.9  # SGD momentum (Nesterov)
    weight_decay: float = 5e-4  # on conv/linear weights only, not on biases or BatchNorm
    label_smoothing: float = 0.1  # mixed into the targets
    class_weight_power: float = 0.25  # loss weight per class = (1/frequency)^power; 0 = plain loss
    ferplus: str = ""  # FER+ votes joined by path (ferplus_votes_by_path.csv) to train on FER+ labels
    ferplus_mode: str = "soft"  # with --ferplus: 'majority' labels or 'soft' vote distributions
    ferplus_mix: float = 1.0  # with --ferplus soft: target = mix * FER+ votes + (1 - mix) * FER label
    ema: float = 0.999  # decay of the weight moving average; 0 turns it off
    aug_scale: float = 0.15  # random rescale, factor in [1 - s, 1 + s]
    aug_rotate: float = 15.0  # random rotation, degrees
    aug_shift: float = 0.10  # random shift, fraction of the image
    aug_flip: float = 0.5  # horizontal flip probability
    aug_brightness: float = 0.15  # additive brightness jitter
    aug_contrast: float = 0.20  # multiplicative contrast jitter
    aug_erase: float = 0.5  # random erasing probability
    degrade: float = 0.0  # probability per image of the image-quality pipeline (degrade.py: resample, blur, sharpen, noise, gamma, light, JPEG); 0 = off
    degrade_min_size: int = 24  # smallest intermediate size of the down-and-up resample, px
    mixup: float = 0.0  # mixup Beta(alpha, alpha) parameter; 0 = off
    cutmix: float = 0.0  # cutmix Beta(alpha, alpha) parameter; 0 = off
    mix_prob: float = 0.5  # probability that a batch is mixed (mixup or cutmix, evenly when both are on)
    logit_adjust: float = 0.0  # tau of the logit-adjusted loss (logits + tau * log prior while training); 0 = plain loss
    teacher: str = ""  # comma-separated checkpoints whose averaged prediction is distilled into the student; '' = none
    soft_labels: str = ""  # a teachers' soft-label file (training/soft_labels.py): distilled into the rows it covers
    distill: float = 0.5  # with --teacher or --soft-labels: weight of the distillation term (the labels get 1 - distill)
    distill_temp: float = 2.0  # with --teacher: softmax temperature for teacher and student
    distill_clean: bool = False  # with --teacher: the teacher sees each image before the quality, photometric and erasing stages (the student learns to read a degraded face as the teacher reads the clean one)
    watch: str = ""  # a folder dataset (e.g. ../shared/data/ck48) scored every epoch, for the log only: it never selects
    extra: str = ""  # faces prepared by `npm run prepare-data` (e.g. .cache/faces): their training folds join Training, their val folds are scored
    shares: str = "fer2013=0.55,muxspace=0.2,sfew2=0.12,posed-mix=0.1,yale=0.03"  # with --extra: share of each source in an epoch's draws
    class_balance: float = 0.5  # with --extra: within a source, draw a face with probability ~ (its class's count)^-class_balance
    epoch_size: int = 0  # with --extra: draws per epoch; 0 = the size of FER2013 Training
    select: str = "accuracy"  # what picks best.pt: PublicTest accuracy | macro_f1; mean_f1 = mean macro-F1 over PublicTest and every --extra val fold; pooled_f1 = macro-F1 of PublicTest and every val fold pooled into one set; last = no pick, best.pt is the last epoch's (EMA) weights
    snapshots: bool = False  # keep every epoch's selected weights as <out>/epochs/epoch-NNN.pt (for averaging and for a rule over the last epochs)
    seed: int = 0  # seeds Python, torch and the data order
    resume: bool = True  # continue from <out>/last.pt when it exists
    init: str = ""  # start from these weights (a best.pt or last.pt; its EMA weights when it has them) with a fresh schedule
    amp: bool = True  # bf16 autocast (CUDA only)
    channels_last: bool = True  # NHWC memory format (faster on CUDA and on CPU)
    compile: bool = False  # torch.compile the model (PyTorch 2.x)
    threads: int = 0  # CPU threads for torch; 0 = its default
    limit: int = 0  # train on N random images only (smoke runs); 0 = all
    eval_limit: int = 0  # evaluate on N random PublicTest images only; 0 = all
    progress: bool = True  # progress bar on stderr

    def augment_config(self) -> AugmentConfig:
        return AugmentConfig(scale=self.aug_scale, rotate=self.aug_rotate, shift=self.aug_shift,
                             flip=self.aug_flip, brightness=self.aug_brightness,
                             contrast=self.aug_contrast, erase=self.aug_erase,
                             degrade=DegradeConfig(p=self.degrade, resample_sizes=(self.degrade_min_size, 64)))

    def check(self) -> None:
        """Reject inconsistent settings before any data is read or folder written."""
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown --variant {self.variant!r}; choose one of {sorted(VARIANTS)}")
        if self.select not in SELECT_RULES:
            raise ValueError(f"--select must be one of {', '.join(SELECT_RULES)}, not {self.select!r}")
        if self.select in ("mean_f1", "pooled_f1") and not self.extra:
            raise ValueError(f"--select {self.select} needs --extra (it uses the extra sources' val folds)")
        if self.soft_labels and not self.extra:
            raise ValueError("--soft-labels needs --extra (the soft labels cover the extra sources)")
        if self.soft_labels and self.teacher:
            raise ValueError("use --teacher or --soft-labels, not both")
        if self.ferplus_mode not in ("majority", "soft"):
            raise ValueError(f"--ferplus-mode must be majority or soft, not {self.ferplus_mode!r}")
        if not 0 <= self.distill <= 1:
            raise ValueError("--distill must be in [0, 1]")
        if self.distill_clean and not self.teacher:
            raise ValueError("--distill-clean needs --teacher")
        if self.distill_clean and (self.mixup > 0 or self.cutmix > 0):
            raise ValueError("--distill-clean cannot be combined with --mixup/--cutmix (the teacher's view is not mixed)")


class Progress:
    """A dependency-free progress bar: redraws in place on a terminal, prints every 25% otherwise."""

    def __init__(self, total: int, label: str, enabled: bool):
        self.total, self.label, self.enabled = total, label, enabled
        self.start = self.last = time.time()
        self.tty = sys.stderr.isatty()
        self.next_mark = 0.25

    def update(self, done: int, info: str) -> None:
        if not self.enabled:
            return
        now, frac = time.time(), done / self.total
        if self.tty and (now - self.last > 0.3 or done == self.total):
            bar = "#" * int(frac * 30)
            rate = done / max(now - self.start, 1e-9)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {done}/{self.total} {rate:.1f} it/s {info}   ")
            if done == self.total:
                sys.stderr.write("\n")
            self.last = now
        elif not self.tty and frac >= self.next_mark:
            sys.stderr.write(f"{self.label} {frac:4.0%} {info}\n")
            self.next_mark += 0.25
        sys.stderr.flush()


def lr_at(step: float, cfg: TrainConfig, steps_per_epoch: int) -> float:
    warm = cfg.warmup_epochs * steps_per_epoch
    total = cfg.epochs * steps_per_epoch
    if step < warm:
        return cfg.lr * (0.05 + 0.95 * step / warm)
    t = (step - warm) / max(1, total - warm)
    return cfg.min_lr + (cfg.lr - cfg.min_lr) * 0.5 * (1 + math.cos(math.pi * t))


@torch.no_grad()
def ema_update(ema_model, model, decay: float, step: int) -> None:
    d = min(decay, (1 + step) / (10 + step))
    for e, p in zip(ema_model.state_dict().values(), model.state_dict().values()):
        if e.dtype.is_floating_point:
            e.mul_(d).add_(p.detach(), alpha=1 - d)
        else:
            e.copy_(p)


@torch.no_grad()
def predict_logits(model, inputs: torch.Tensor, device, batch: int = 512,
                   memory_format=torch.contiguous_format) -> torch.Tensor:
    """Logits (N, 7) of `model` on preprocessed inputs (N, 1, 64, 64), on the CPU."""
    model.eval()
    out = [model(inputs[i:i + batch].to(device).contiguous(memory_format=memory_format)).float().cpu()
           for i in range(0, len(inputs), batch)]
    return torch.cat(out)


def score(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """Accuracy, macro-F1 (over the classes present), mean cross-entropy and the share of each
    predicted class, from logits."""
    preds = logits.argmax(1)
    summary = summarize(confusion_matrix(labels, preds))
    share = torch.bincount(preds, minlength=len(CLASSES)).float() / len(preds)
    return {"accuracy": summary["accuracy"], "macro_f1": summary["macro_f1"],
            "loss": F.cross_entropy(logits, labels).item(), "neutral_share": float(share[CLASSES.index("neutral")])}


def load_teachers(paths: str, device) -> list:
    teachers = []
    for path in [p for p in paths.split(",") if p.strip()]:
        model, _ = load_checkpoint(path.strip(), map_location=device)
        teachers.append(model.to(device).eval())
    return teachers


@torch.no_grad()
def teacher_probs(teachers: list, x: torch.Tensor, temperature: float) -> torch.Tensor:
    return torch.stack([torch.softmax(t(x).float() / temperature, dim=1) for t in teachers]).mean(0)


def temper(probs: torch.Tensor, temperature: float) -> torch.Tensor:
    """Probabilities softened at `temperature`: softmax(log p / T)."""
    return torch.softmax(probs.clamp(min=1e-8).log() / temperature, dim=1)


def mean_f1(scores: dict, held_out: dict) -> float:
    """The selection rule of the multi-source runs: the mean macro-F1 over FER2013 PublicTest and
    the val fold of every extra source with at least 50 faces of at least four classes (muxspace,
    sfew2, posed-mix; yale's val fold has 8 faces, too few to weigh as much as the others)."""
    names = [n for n, s in held_out.items()
             if n.endswith(":val") and len(s) >= 50 and len(set(s.labels.tolist())) >= 4]
    values = [scores["macro_f1"]] + [scores[f"{n}_f1"] for n in names]
    return sum(values) / len(values)


def pooled_val(public: FaceSet, held_out: dict) -> FaceSet:
    """FER2013 PublicTest and every extra source's val fold as one set, each with its natural class
    mix: hundreds of faces of every class from every source, so no fold of a few films decides."""
    return concat_sets([public] + [s for n, s in sorted(held_out.items()) if n.endswith(":val")])


def add_extra_sources(train: FaceSet, cfg: TrainConfig) -> tuple[FaceSet, dict, torch.Tensor]:
    """FER2013 Training (48 px, brought to 64 by the contract's resize) + every extra source's
    training folds (64 px crops from the app's detector); the val and test folds held out; and
    each row's draw weight: the source's share, split within the source by class^-balance."""
    from sources import split_sets  # only multi-source runs need the prepared faces

    parts = split_sets(cfg.extra)
    extra = parts.pop("Training")
    fer64 = train.model_input().mul(255).round().to(torch.uint8)[:, 0]  # (N, 64, 64)
    k = len(CLASSES)
    fer_soft = train.soft if train.soft is not None else F.one_hot(train.labels, k).float()
    merged = FaceSet(torch.cat([fer64, extra.images]), torch.cat([train.labels, extra.labels]), train.paths + extra.paths,
                     soft=torch.cat([fer_soft, F.one_hot(extra.labels, k).float()]) if train.soft is not None else None,
                     meta={**train.meta, "extra": cfg.extra, "extra_sources": extra.meta["source"]})
    row_source = ["fer2013"] * len(train) + extra.meta["sources"]
    shares = {}
    for item in cfg.shares.split(","):
        name, _, value = item.partition("=")
        shares[name.strip()] = float(value)
    unknown = set(row_source) - set(shares)
    if unknown:
        raise ValueError(f"--shares names no share for {sorted(unknown)}")
    weights = torch.zeros(len(merged))
    labels = merged.labels
    for name in set(row_source):
        rows = torch.tensor([s == name for s in row_source])
        counts = torch.bincount(labels[rows], minlength=k).float()
        w = counts.clamp(min=1)[labels] ** -cfg.class_balance * rows
        weights += w / w.sum() * shares[name]
    return merged, parts, weights


def read_soft_labels(path: str, paths: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 7) probabilities for the training rows a soft-label file covers, and the (N,) mask of those rows."""
    state = torch.load(path, map_location="cpu")
    index = {p: i for i, p in enumerate(state["paths"])}
    probs = torch.zeros(len(paths), len(CLASSES))
    covered = torch.zeros(len(paths), dtype=torch.bool)
    for row, p in enumerate(paths):
        i = index.get(p)
        if i is not None:
            probs[row], covered[row] = state["probs"][i], True
    if not covered.any():
        raise DataError(f"{path} covers none of the training images (was it made from the same --extra folder?)")
    return probs, covered


def soft_targets(labels, soft, cfg: TrainConfig) -> torch.Tensor:
    """One-hot (or FER+ votes, or a mix of both), then label smoothing."""
    k = len(CLASSES)
    target = F.one_hot(labels, k).float()
    if soft is not None:
        target = cfg.ferplus_mix * soft + (1 - cfg.ferplus_mix) * target
    return target * (1 - cfg.label_smoothing) + cfg.label_smoothing / k


def main(cfg: TrainConfig) -> dict:
    cfg.check()
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    else:
        device = torch.device("cpu")
    if distributed:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    main_process = rank == 0
    out = Path(cfg.out)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed + rank)

    sets = load_data(cfg.data)
    for usage, role in (("Training", "train on"), ("PublicTest", "select on")):
        if usage not in sets:
            raise DataError(f"{cfg.data} has no {usage} split to {role} (found {sorted(sets)}); a folder "
                            f"dataset needs train/ and val/ (or FER2013's PublicTest_ files in test/)")
    train, public = sets["Training"], sets["PublicTest"]
    if cfg.ferplus:
        # Only the training labels change: selection stays on FER2013's own PublicTest labels.
        train = attach_ferplus({"Training": train}, cfg.ferplus, cfg.ferplus_mode)["Training"]
    held_out: dict[str, FaceSet] = {}
    draw_weights = None
    preprocessing = dict(PREPROCESSING)
    if cfg.extra:
        from sources import preparation

        train, held_out, draw_weights = add_extra_sources(train, cfg)
        # Faces prepared with --align were turned eye-level: the card says so and the app turns
        # its crops alike (FER2013, published roughly upright, stays as framed).
        preprocessing["align"] = preparation(cfg.extra)["align"]
    watch = concat_sets(list(load_data(cfg.watch).values())) if cfg.watch else None
    out.mkdir(parents=True, exist_ok=True)  # only once the data has loaded: a failed start leaves nothing
    pick = torch.Generator().manual_seed(cfg.seed)  # smoke runs: a seeded random subset, all classes
    if cfg.limit:
        train = train.subset(torch.randperm(len(train), generator=pick)[:cfg.limit])
    if cfg.eval_limit:
        public = public.subset(torch.randperm(len(public), generator=pick)[:cfg.eval_limit])
    train_images = train.images.to(device)  # (N, 48, 48) or, with --extra, (N, 64, 64) uint8: the whole set fits anywhere
    train_labels = train.labels.to(device)
    train_soft = None if train.soft is None else train.soft.to(device)
    public_inputs = public.model_input()  # (N, 1, 64, 64): the contract's preprocessing
    watch_inputs = None if watch is None else watch.model_input()
    weights = class_weights(train.labels, cfg.class_weight_power).to(device)
    aug = cfg.augment_config()
    train_prior = log_prior(train_soft if train_soft is not None else F.one_hot(train_labels, len(CLASSES)))
    if draw_weights is not None:  # the prior of what is drawn, not of what is stored
        drawn = torch.bincount(train.labels, weights=draw_weights, minlength=len(CLASSES))
        train_prior = (drawn / drawn.sum()).clamp(min=1e-6).log().to(train_prior.device)
    adjust = cfg.logit_adjust * train_prior.to(device) if cfg.logit_adjust else None
    teachers = load_teachers(cfg.teacher, device) if cfg.teacher else []
    file_probs, file_weight = (None, None)
    if cfg.soft_labels:
        file_probs, covered = read_soft_labels(cfg.soft_labels, train.paths)
        file_probs, file_weight = file_probs.to(device), (covered.float() * cfg.distill).to(device)
    held_inputs = {k: v.model_input() for k, v in held_out.items()}
    pooled = pooled_val(public, held_out) if held_out else None
    pooled_index = None
    if pooled is not None:  # the pooled set's rows are PublicTest's then each val fold's: reuse their logits
        pooled_index = ["PublicTest"] + [n for n in sorted(held_out) if n.endswith(":val")]
    mix_modes = [m for m, a in (("mixup", cfg.mixup), ("cutmix", cfg.cutmix)) if a > 0]

    model = create_model(cfg.variant).to(device)
    memory_format = torch.channels_last if cfg.channels_last else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    if cfg.init:
        init = read_checkpoint(cfg.init, map_location=device)
        if init.get("variant") != cfg.variant:
            raise ValueError(f"--init {cfg.init} holds a {init.get('variant')}, not a {cfg.variant}")
        model.load_state_dict(init.get("ema") or init["state_dict"])
    ema_model = copy.deepcopy(model).eval() if cfg.ema > 0 else None
    decay, no_decay = [], []
    for p in model.parameters():
        (decay if p.ndim > 1 else no_decay).append(p)
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": cfg.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}],
                                lr=cfg.lr, momentum=cfg.momentum, nesterov=True)
    epoch_draws = (cfg.epoch_size or sets["Training"].labels.numel()) if draw_weights is not None else len(train)
    steps_per_epoch = epoch_draws // (cfg.batch_size * world)
    if steps_per_epoch < 1:
        raise ValueError(f"{len(train)} training images are fewer than one batch of {cfg.batch_size * world}")

    start_epoch, step, best = 0, 0, {"public_acc": -1.0}
    last_path, log_path = out / "last.pt", out / "log.csv"
    if cfg.resume and last_path.is_file():
        state = torch.load(last_path, map_location=device)
        model.load_state_dict(state["state_dict"])
        optimizer.load_state_dict(state["optimizer"])
        if ema_model is not None and state.get("ema") is not None:
            ema_model.load_state_dict(state["ema"])
        start_epoch, step, best = state["epoch"], state["step"], state["best"]
        torch.set_rng_state(state["rng_cpu"])
        if device.type == "cuda" and state.get("rng_cuda") is not None:
            torch.cuda.set_rng_state(state["rng_cuda"], device)
        if main_process:
            print(f"resumed from {last_path} at epoch {start_epoch}", flush=True)
    elif main_process and log_path.exists():
        log_path.unlink()

    net = model
    if cfg.compile:
        net = torch.compile(model)
    if distributed:
        net = torch.nn.parallel.DistributedDataParallel(net, device_ids=[device] if device.type == "cuda" else None)
    use_amp = cfg.amp and device.type == "cuda"
    if main_process:
        print(f"{cfg.variant}: {count_parameters(model):,} parameters; {len(train)} train, "
              f"{len(public)} PublicTest images; {steps_per_epoch} steps/epoch on {device} x{world}", flush=True)

    for epoch in range(start_epoch, cfg.epochs):
        t0 = time.time()
        net.train()
        g = torch.Generator().manual_seed(cfg.seed * 1000 + epoch)  # same order on every rank
        order = (torch.randperm(len(train), generator=g) if draw_weights is None
                 else torch.multinomial(draw_weights, epoch_draws, replacement=True, generator=g))[rank::world].to(device)
        bar = Progress(steps_per_epoch, f"epoch {epoch + 1}/{cfg.epochs}", cfg.progress and main_process)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            idx = order[i * cfg.batch_size:(i + 1) * cfg.batch_size]
            lr = lr_at(step, cfg, steps_per_epoch)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x = train_images[idx].unsqueeze(1).float().div_(255)  # (B, 1, 48|64, 48|64)
            x, clean = augment_pair(x, aug)  # (B, 1, 64, 64) each
            x = x.contiguous(memory_format=memory_format)
            teacher_view = clean.contiguous(memory_format=memory_format) if cfg.distill_clean else x
            y = train_labels[idx]
            target = soft_targets(y, None if train_soft is None else train_soft[idx], cfg)
            sample_weight = weights[y]
            if mix_modes and random.random() < cfg.mix_prob:
                mode = random.choice(mix_modes)
                x, target, perm, lam = mix_batch(x, target, mode, cfg.mixup if mode == "mixup" else cfg.cutmix)
                sample_weight = lam * sample_weight + (1 - lam) * sample_weight[perm]
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_amp):
                logits = net(x)
                t_probs = teacher_probs(teachers, teacher_view, cfg.distill_temp) if teachers else None
            # One distillation mechanism for live teachers (every row, weight distill) and a soft-label
            # file (the rows it covers): each row's loss is (1 - w) * labels + w * KL to the teacher.
            w_distill = None
            if t_probs is not None:
                w_distill = torch.full((len(y),), cfg.distill, device=device)
            elif file_probs is not None:
                t_probs, w_distill = temper(file_probs[idx], cfg.distill_temp), file_weight[idx]
            if w_distill is None:
                loss = soft_cross_entropy(logits, target, sample_weight, adjust)
            else:
                loss = soft_cross_entropy(logits, target, sample_weight * (1 - w_distill), adjust) \
                    + distillation_loss(logits, t_probs.float(), cfg.distill_temp, w_distill)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            if ema_model is not None:
                ema_update(ema_model, model, cfg.ema, step)
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            bar.update(i + 1, f"loss {loss_sum / seen:.3f} acc {correct / seen:.3f} lr {lr:.4f}")

        row = {"epoch": epoch + 1, "train_loss": loss_sum / seen, "train_acc": correct / seen, "lr": lr}
        if main_process:
            candidates = {"raw": model} if ema_model is None else {"raw": model, "ema": ema_model}
            public_logits = {k: predict_logits(m, public_inputs, device, memory_format=memory_format)
                             for k, m in candidates.items()}
            scores = {k: score(public_logits[k], public.labels) for k in candidates}
            for sc in scores.values():
                sc["last"] = float(epoch + 1)  # --select last: every epoch beats the one before
            for k, sc in scores.items():
                prefix = "public" if k == "raw" else "ema_public"
                row.update({f"{prefix}_acc": sc["accuracy"], f"{prefix}_f1": sc["macro_f1"], f"{prefix}_loss": sc["loss"]})
            if held_out:
                for k, m in candidates.items():
                    held_logits = {"PublicTest": public_logits[k]}
                    for name, inputs in held_inputs.items():
                        held_logits[name] = predict_logits(m, inputs, device, memory_format=memory_format)
                        h = score(held_logits[name], held_out[name].labels)
                        scores[k][f"{name}_f1"] = h["macro_f1"]
                        scores[k][f"{name}_acc"] = h["accuracy"]
                    scores[k]["mean_f1"] = mean_f1(scores[k], held_out)
                    p = score(torch.cat([held_logits[n] for n in pooled_index]), pooled.labels)
                    scores[k]["pooled_f1"], scores[k]["pooled_acc"] = p["macro_f1"], p["accuracy"]
            # --select last ranks raw and EMA alike: take the EMA weights (the average of the last steps)
            which = ("ema" if "ema" in candidates else "raw") if cfg.select == "last" else max(scores, key=lambda k: scores[k][cfg.select])
            sel_model, sel = candidates[which], scores[which][cfg.select]
            for key, value in scores[which].items():
                if ":" in key or key in ("mean_f1", "pooled_f1", "pooled_acc"):
                    row[key] = value
            if watch is not None:  # reported beside, never used to select
                w = score(predict_logits(sel_model, watch_inputs, device, memory_format=memory_format), watch.labels)
                row.update(watch_acc=w["accuracy"], watch_f1=w["macro_f1"], watch_neutral=w["neutral_share"])
            row["seconds"] = round(time.time() - t0, 1)
            described = dict(preprocessing=preprocessing, weights=which, train_config=asdict(cfg), training_data=train.meta,
                             metrics={"PublicTest": {"accuracy": scores[which]["accuracy"], "macro_f1": scores[which]["macro_f1"]},
                                      **({m: scores[which][m] for m in ("mean_f1", "pooled_f1")} if held_out else {})})
            if sel > best["public_acc"]:
                best = {"public_acc": sel, "epoch": epoch + 1, "weights": which, "metric": cfg.select}
                save_checkpoint(out / "best.pt", sel_model, cfg.variant, epoch=epoch + 1, **described)
            if cfg.snapshots:
                save_checkpoint(out / "epochs" / f"epoch-{epoch + 1:03d}.pt", sel_model, cfg.variant, epoch=epoch + 1, **described)
            write_header = not log_path.exists()
            with log_path.open("a", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=list(row) + ["best"])
                if write_header:
                    writer.writeheader()
                writer.writerow({**{k: round(v, 5) if isinstance(v, float) else v for k, v in row.items()},
                                 "best": best["epoch"]})
            print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())
                  + f" best={best['public_acc']:.4f}@{best['epoch']}", flush=True)
            save_checkpoint(last_path, model, cfg.variant, optimizer=optimizer.state_dict(), preprocessing=preprocessing,
                            ema=None if ema_model is None else ema_model.state_dict(), epoch=epoch + 1,
                            step=step, best=best, rng_cpu=torch.get_rng_state(),
                            rng_cuda=torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
                            train_config=asdict(cfg))
        if distributed:
            torch.distributed.barrier()
    if distributed:
        torch.distributed.destroy_process_group()
    return best


def cli(argv=None) -> None:
    cfg = parse_into(TrainConfig, argv, description=__doc__)
    cfg.check()
    best = main(cfg)
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"best PublicTest {cfg.select} {best['public_acc']:.4f} at epoch {best.get('epoch')}")


if __name__ == "__main__":
    run_cli(cli)
