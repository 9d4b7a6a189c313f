"""Every data build; importing this package registers them (one module per build)."""

import scoring.data.builds.coggan2024
import scoring.data.builds.kriegeskorte2008  # noqa: F401
