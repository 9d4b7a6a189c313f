"""Kriegeskorte et al. 2008: the 92-image RDMs of monkey IT, human IT and human similarity
judgements, compared with the model's RDM by RSA (``scoring.metrics.rsa``).

Decisions: Spearman ρ over the upper triangle (the model RDM is continuous; rsatoolbox's
default); the score is the mean over subjects; the ceiling is the lower bound of the Nili et
al. 2014 noise ceiling and the ceiled score (r / lower bound)², Brain-Score's convention (b);
the upper bound is in the details. The human IT sessions are averaged per subject (4 RDMs).
The monkey IT RDM is one pooled RDM: no noise ceiling can be estimated, so it is scored raw.
The 92 images fill the model's field of view (the experiments showed them at different sizes).
"""

from __future__ import annotations

from typing import Any

from scoring.benchmarks.base import BenchmarkInfo, DataDirs, DataFile, stimulus_files
from scoring.benchmarks.references import Reference
from scoring.benchmarks.registry import register_benchmark
from scoring.benchmarks.rsa import RSABenchmark, RSASpec

KRIEGESKORTE2008 = Reference(
    "https://doi.org/10.1016/j.neuron.2008.10.043",
    """@article{kriegeskorte2008matching,
  title={Matching Categorical Object Representations in Inferior Temporal Cortex of Man and
         Monkey},
  author={Kriegeskorte, Nikolaus and Mur, Marieke and Ruff, Douglas A. and Kiani, Roozbeh and
          Bodurka, Jerzy and Esteky, Hossein and Tanaka, Keiji and Bandettini, Peter A.},
  journal={Neuron}, volume={60}, number={6}, pages={1126--1141}, year={2008},
  doi={10.1016/j.neuron.2008.10.043}
}""",
)

STIMULI = stimulus_files("kriegeskorte2008.92images")
FIGURE1_IT = DataFile("kriegeskorte2008.IT-fig1", "assembly")
HUMAN_IT = DataFile("kriegeskorte2008.IT-human", "assembly")
SIMILARITY = DataFile("kriegeskorte2008.similarity", "assembly")
DATA_NOTE = (
    " Data: rsatoolbox demos (rsagroup/rsatoolbox@f1f83cad, demos/92imageData/), MIT license;"
    " cite Kriegeskorte et al. 2008 (Neuron 60:1126)"
)
METRIC = (
    "RSA: Spearman ρ between the model's RDM (1 − Pearson r) and each subject's, upper triangle"
)

SPECS = {
    "IT-monkey-rsa": RSASpec(FIGURE1_IT, *STIMULI, region="IT", select=(("species", "monkey"),)),
    "IT-human-rsa": RSASpec(HUMAN_IT, *STIMULI, region="IT", average_over="subject"),
    "similarity-rsa": RSASpec(SIMILARITY, *STIMULI, region=None),
}

INFOS = {
    "IT-monkey-rsa": BenchmarkInfo(
        identifier="Kriegeskorte2008.IT-monkey-rsa",
        version=1,
        parent="IT",
        metric=METRIC,
        ceiling_convention="none",
        reference=KRIEGESKORTE2008.url,
        bibtex=KRIEGESKORTE2008.bibtex,
        description=(
            "92 object images (faces, bodies, animals, natural and man-made objects) shown to "
            "macaques; the RDM of 674 IT cells' responses (Kiani et al. 2007), as in Kriegeskorte "
            "et al. 2008 Fig. 1, against the RDM of the model's IT layer. One pooled RDM: no "
            "noise ceiling, the ceiled score is the raw ρ." + DATA_NOTE + ", Kiani et al. 2007."
        ),
        data_files=(FIGURE1_IT, *STIMULI),
        n_stimuli=92,
        n_sites=674,
    ),
    "IT-human-rsa": BenchmarkInfo(
        identifier="Kriegeskorte2008.IT-human-rsa",
        version=1,
        parent="IT",
        metric=METRIC + "; mean over 4 subjects",
        ceiling_convention="(r/c)^2",
        reference=KRIEGESKORTE2008.url,
        bibtex=KRIEGESKORTE2008.bibtex,
        description=(
            "The same 92 images in a rapid event-related fMRI experiment: human IT response-"
            "pattern RDMs of 4 subjects (2 sessions each, averaged per subject) against the RDM "
            "of the model's IT layer. Ceiling: lower bound of the Nili et al. 2014 noise ceiling "
            "(each subject vs the mean of the others)." + DATA_NOTE + "."
        ),
        data_files=(HUMAN_IT, *STIMULI),
        n_stimuli=92,
    ),
    "similarity-rsa": BenchmarkInfo(
        identifier="Kriegeskorte2008.similarity-rsa",
        version=1,
        parent="behavior_vision",
        metric=METRIC + "; mean over 16 subjects",
        ceiling_convention="(r/c)^2",
        reference=KRIEGESKORTE2008.url,
        bibtex=KRIEGESKORTE2008.bibtex,
        description=(
            "Human object-similarity judgements on the 92 images (16 subjects arranged the "
            "images by similarity; Mur et al. 2013) against the RDM of the model's behavioural "
            "readout layer (the features its decisions are read from). Ceiling: lower bound of "
            "the Nili et al. 2014 noise ceiling." + DATA_NOTE + ", Mur et al. 2013."
        ),
        data_files=(SIMILARITY, *STIMULI),
        n_stimuli=92,
    ),
}


def _factory(name: str) -> Any:
    def factory(
        info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
    ) -> RSABenchmark:
        return RSABenchmark(info, data_dir, spec=SPECS[name], **params)

    return factory


for _name, _info in INFOS.items():
    register_benchmark(_info.identifier, info=_info)(_factory(_name))
