"""Data layer: shipped datasets, their origins, the region registry and loaders to the canonical long frame.

Imports nothing else of this project.
"""

from data.datasets import Dataset, dataset, datasets
from data.errors import DataError, DataFileMissing, DataFormatError, UnknownDataset, UnknownRegion
from data.loaders import COLUMNS, OBSERVATION_LOADERS, load_cn_targets, load_observations
from data.regions import NATIONAL_CODE, WORLD_CODE, Region, RegionRegistry, region_groups, region_registry

__all__ = [
    "COLUMNS",
    "NATIONAL_CODE",
    "OBSERVATION_LOADERS",
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
