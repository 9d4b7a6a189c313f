"""Historical benchmark identifiers (2019 Brain-Score, the paper's columns) → ours."""

from __future__ import annotations

BRAINSCORE_2019_IDENTIFIERS: dict[str, str] = {
    "dicarlo.Majaj2015.V4-pls": "MajajHong2015.V4-pls",
    "dicarlo.Majaj2015.IT-pls": "MajajHong2015.IT-pls",
    "dicarlo.MajajHong2015.V4-pls": "MajajHong2015.V4-pls",
    "dicarlo.MajajHong2015.IT-pls": "MajajHong2015.IT-pls",
    "dicarlo.MajajHong2015public.V4-pls": "MajajHong2015public.V4-pls",
    "dicarlo.MajajHong2015public.IT-pls": "MajajHong2015public.IT-pls",
    "dicarlo.Rajalingham2018-i2n": "Rajalingham2018-i2n",
    "dicarlo.Kar2019-ost": "Kar2019-ost",
    "fei-fei.Deng2009-top1": "ImageNet-top1",
    "movshon.FreemanZiemba2013.V1-pls": "FreemanZiemba2013.V1-pls",
    "movshon.FreemanZiemba2013.V2-pls": "FreemanZiemba2013.V2-pls",
}

PAPER_COLUMNS: dict[str, str] = {
    "V4": "MajajHong2015.V4-pls",
    "IT": "MajajHong2015.IT-pls",
    "Behavior": "Rajalingham2018-i2n",
    "OST": "Kar2019-ost",
    "ImageNet": "ImageNet-top1",
    "CIFAR-100": "CIFAR100-transfer",
}


def current_benchmark_identifier(identifier: str) -> str:
    """Our identifier for a 2019-era one; identifiers already current pass through."""
    return BRAINSCORE_2019_IDENTIFIERS.get(identifier, identifier)
