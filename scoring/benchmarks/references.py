"""References (URL + BibTeX) of the data behind each benchmark."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    url: str
    bibtex: str


MAJAJ2015 = Reference(
    "https://www.jneurosci.org/content/35/39/13402",
    """@article{majaj2015simple,
  title={Simple Learned Weighted Sums of Inferior Temporal Neuronal Firing Rates Accurately
         Predict Human Core Object Recognition Performance},
  author={Majaj, Najib J. and Hong, Ha and Solomon, Ethan A. and DiCarlo, James J.},
  journal={Journal of Neuroscience}, volume={35}, number={39}, pages={13402--13418}, year={2015},
  doi={10.1523/JNEUROSCI.5181-14.2015}
}""",
)

RAJALINGHAM2018 = Reference(
    "https://www.jneurosci.org/content/38/33/7255",
    """@article{rajalingham2018large,
  title={Large-Scale, High-Resolution Comparison of the Core Visual Object Recognition Behavior
         of Humans, Monkeys, and State-of-the-Art Deep Artificial Neural Networks},
  author={Rajalingham, Rishi and Issa, Elias B. and Bashivan, Pouya and Kar, Kohitij and
          Schmidt, Kailyn and DiCarlo, James J.},
  journal={Journal of Neuroscience}, volume={38}, number={33}, pages={7255--7269}, year={2018},
  doi={10.1523/JNEUROSCI.0388-18.2018}
}""",
)

KAR2019 = Reference(
    "https://www.nature.com/articles/s41593-019-0392-5",
    """@article{kar2019evidence,
  title={Evidence that recurrent circuits are critical to the ventral stream's execution of
         core object recognition behavior},
  author={Kar, Kohitij and Kubilius, Jonas and Schmidt, Kailyn and Issa, Elias B. and
          DiCarlo, James J.},
  journal={Nature Neuroscience}, volume={22}, number={6}, pages={974--983}, year={2019}
}""",
)

DENG2009 = Reference(
    "https://ieeexplore.ieee.org/abstract/document/5206848",
    """@inproceedings{deng2009imagenet,
  title={ImageNet: A large-scale hierarchical image database},
  author={Deng, Jia and Dong, Wei and Socher, Richard and Li, Li-Jia and Li, Kai and Fei-Fei, Li},
  booktitle={CVPR}, pages={248--255}, year={2009}
}""",
)

KUBILIUS2019 = Reference(
    "https://arxiv.org/abs/1909.06161",
    """@inproceedings{kubilius2019brain,
  title={Brain-Like Object Recognition with High-Performing Shallow Recurrent ANNs},
  author={Kubilius, Jonas and Schrimpf, Martin and Kar, Kohitij and Rajalingham, Rishi and
          Hong, Ha and Majaj, Najib J. and Issa, Elias B. and Bashivan, Pouya and
          Prescott-Roy, Jonathan and Schmidt, Kailyn and Nayebi, Aran and Bear, Daniel and
          Yamins, Daniel L. K. and DiCarlo, James J.},
  booktitle={Advances in Neural Information Processing Systems 32}, year={2019}
}""",
)

KRIZHEVSKY2009 = Reference(
    "https://www.cs.toronto.edu/~kriz/cifar.html",
    """@techreport{krizhevsky2009learning,
  title={Learning Multiple Layers of Features from Tiny Images},
  author={Krizhevsky, Alex}, institution={University of Toronto}, year={2009}
}""",
)

PETERSON2019 = Reference(
    "https://arxiv.org/abs/1908.07086",
    """@inproceedings{peterson2019human,
  title={Human uncertainty makes classification more robust},
  author={Peterson, Joshua C. and Battleday, Ruairidh M. and Griffiths, Thomas L. and
          Russakovsky, Olga},
  booktitle={Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  year={2019}
}""",
)

DIGITS = Reference(
    "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits",
    """@misc{alpaydin1998optical,
  title={Optical Recognition of Handwritten Digits},
  author={Alpaydin, E. and Kaynak, C.},
  howpublished={UCI Machine Learning Repository}, year={1998}, doi={10.24432/C50P49}
}""",
)

GEIRHOS2019 = Reference(
    "https://openreview.net/forum?id=Bygh9j09KX",
    """@inproceedings{geirhos2019imagenettrained,
  title={ImageNet-trained {CNN}s are biased towards texture; increasing shape bias improves
         accuracy and robustness},
  author={Geirhos, Robert and Rubisch, Patricia and Michaelis, Claudio and Bethge, Matthias and
          Wichmann, Felix A. and Brendel, Wieland},
  booktitle={International Conference on Learning Representations}, year={2019}
}""",
)

GEIRHOS2021 = Reference(
    "https://openreview.net/forum?id=QkljT4mrfs",
    """@inproceedings{geirhos2021partial,
  title={Partial success in closing the gap between human and machine vision},
  author={Geirhos, Robert and Narayanappa, Kantharaju and Mitzkus, Benjamin and
          Thieringer, Tizian and Bethge, Matthias and Wichmann, Felix A. and Brendel, Wieland},
  booktitle={Advances in Neural Information Processing Systems}, volume={34}, year={2021}
}""",
)

GEIRHOS2020 = Reference(
    "https://proceedings.neurips.cc/paper/2020/hash/9f6992966d4c363ea0162a056cb45fe5-Abstract.html",
    """@inproceedings{geirhos2020beyond,
  title={Beyond accuracy: quantifying trial-by-trial behaviour of {CNN}s and humans by measuring
         error consistency},
  author={Geirhos, Robert and Meding, Kristof and Wichmann, Felix A.},
  booktitle={Advances in Neural Information Processing Systems}, volume={33}, year={2020}
}""",
)
