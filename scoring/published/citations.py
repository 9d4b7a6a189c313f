"""Citations of the two published sources."""

from __future__ import annotations

PAPER_2019_CITATION = (
    "Kubilius, Schrimpf et al. (2019). Brain-Like Object Recognition with High-Performing "
    "Shallow Recurrent ANNs. NeurIPS 2019. Table: github.com/dicarlolab/neurips2019 "
    "(commit 4a2fb581, data/data.csv)."
)

PAPER_2019_BIBTEX = """@inproceedings{kubilius2019brain,
  title={Brain-Like Object Recognition with High-Performing Shallow Recurrent ANNs},
  author={Kubilius, Jonas and Schrimpf, Martin and Kar, Kohitij and Rajalingham, Rishi and
          Hong, Ha and Majaj, Najib J. and Issa, Elias B. and Bashivan, Pouya and
          Prescott-Roy, Jonathan and Schmidt, Kailyn and Nayebi, Aran and Bear, Daniel and
          Yamins, Daniel L. K. and DiCarlo, James J.},
  booktitle={Advances in Neural Information Processing Systems 32},
  year={2019},
  url={https://arxiv.org/abs/1909.06161}
}"""

LEADERBOARD_2019_CITATION = (
    "Schrimpf et al. (2018). Brain-Score: Which Artificial Neural Network for Object "
    "Recognition is most Brain-Like? bioRxiv 407007. Scores: github.com/brain-score/"
    "brain-score.web (commit e69aad03, benchmarks/fixtures)."
)

LEADERBOARD_2019_BIBTEX = """@article{schrimpf2018brain,
  title={Brain-Score: Which Artificial Neural Network for Object Recognition is most Brain-Like?},
  author={Schrimpf, Martin and Kubilius, Jonas and Hong, Ha and Majaj, Najib J. and
          Rajalingham, Rishi and Issa, Elias B. and Kar, Kohitij and Bashivan, Pouya and
          Prescott-Roy, Jonathan and Geiger, Franziska and Schmidt, Kailyn and
          Yamins, Daniel L. K. and DiCarlo, James J.},
  journal={bioRxiv preprint},
  year={2018},
  url={https://www.biorxiv.org/content/10.1101/407007}
}"""
