"""Every data build; importing this package registers them (one module per build)."""

import scoring.data.builds.coggan2024
import scoring.data.builds.geirhos2021
import scoring.data.builds.imagenet_models
import scoring.data.builds.kriegeskorte2008
import scoring.data.builds.majajhong2015_subset25  # noqa: F401
