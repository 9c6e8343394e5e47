"""Data layer: shipped datasets, their origins, the region registry and loaders to the canonical long frame.

Provincial series follow one statistical vintage: `data.vintage` decides where the older yearbook panel may extend
the NBS portal exports, and `data.breaks` finds probable revisions (jumps many regions share) in any frame. A figure
a source publishes as preliminary carries `FLAG` = `PRELIMINARY` in the frame's optional `flag` column.

Two sub-packages sit beside them, each with its own face and imported only where used (so `import data` stays
free of SQLAlchemy and openpyxl): `data.store` (the versioned store: `open_store`, `Store`) and `data.upload`
(an upload release: `prepare`, then `commit`). Every error of the layer is a `DataError` (data/errors.py) with
its message in Chinese and English. Imports nothing else of this project.
"""

from data.datasets import Dataset, dataset, datasets
from data.errors import DataError, DataFileMissing, DataFormatError, UnknownDataset, UnknownRegion
from data.loaders import COLUMNS, FLAG, PRELIMINARY, load_cn_targets
from data.observations import OBSERVATION_LOADERS, load_observations
from data.regions import NATIONAL_CODE, WORLD_CODE, Region, RegionRegistry, region_groups, region_registry

__all__ = [
    "COLUMNS",
    "FLAG",
    "NATIONAL_CODE",
    "OBSERVATION_LOADERS",
    "PRELIMINARY",
    "WORLD_CODE",
    "DataError",
    "DataFileMissing",
    "DataFormatError",
    "Dataset",
    "Region",
    "RegionRegistry",
    "UnknownDataset",
    "UnknownRegion",
    "dataset",
    "datasets",
    "load_cn_targets",
    "load_observations",
    "region_groups",
    "region_registry",
]
