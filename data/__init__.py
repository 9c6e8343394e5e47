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

# --- versioned store, upload and validation (issue 6) ---------------------------------------------------------
# Loaded on first use (PEP 562): SQLAlchemy and openpyxl stay out of `import data` for code that never needs them.
_LAZY = {
    "AppObject": "data.app_objects",
    "AppObjects": "data.app_objects",
    "BilingualError": "data.bilingual_errors",
    "NothingToCommit": "data.bilingual_errors",
    "ObjectNotFound": "data.bilingual_errors",
    "StaleVersion": "data.bilingual_errors",
    "StoreError": "data.bilingual_errors",
    "UnknownStoredDataset": "data.bilingual_errors",
    "UnknownVersion": "data.bilingual_errors",
    "UploadError": "data.bilingual_errors",
    "ValidationFailed": "data.bilingual_errors",
    "DatasetState": "data.store",
    "Event": "data.store",
    "Store": "data.store",
    "VersionInfo": "data.store",
    "open_store": "data.store",
    "IndicatorSpec": "data.upload",
    "Upload": "data.upload",
    "UploadOptions": "data.upload",
    "commit_upload": "data.upload",
    "prepare_upload": "data.upload",
    "specs_from_units": "data.upload",
    "Limits": "data.upload_read",
    "Problem": "data.validation",
    "Thresholds": "data.validation",
    "ValidationReport": "data.validation",
    "DiffSummary": "data.versioning",
}
__all__ += sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'data' has no attribute {name!r}")
