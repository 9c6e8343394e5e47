"""Registry of shipped datasets: where each lives and where it came from (producer, URL, version, licence)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common import yamlio
from data.errors import DataFileMissing, UnknownDataset

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
REGISTRY_FILE = Path(__file__).resolve().parent / "datasets.yaml"


@dataclass(frozen=True)
class Dataset:
    """One shipped dataset and its origin."""

    id: str
    folder: str
    title: dict[str, str]
    producer: dict[str, str]
    citation: dict[str, str]  # the publication as a footer names it (data/citation.py)
    distributor: str
    url: str
    version: str
    licence: dict[str, str]
    licence_file: str | None = None
    source_md: str | None = None
    released: dict[str, str] | None = None  # when it was published, only where SOURCE.md states it

    def path(self, *parts: str, root: Path | None = None) -> Path:
        """Path of a file of this dataset under `root` (default: the shipped folder)."""
        return (root or SHIPPED_DIR) / self.folder / Path(*parts)

    def source_path(self) -> Path:
        return SHIPPED_DIR / (self.source_md or f"{self.folder}/SOURCE.md")

    def source_text(self) -> str:
        """The dataset's SOURCE.md, the full account of its origin."""
        path = self.source_path()
        if not path.is_file():
            raise DataFileMissing(code="source_md_missing", path=path, dataset=self.id)
        return path.read_text(encoding="utf-8")

    def provenance(self, lang: str = "zh") -> str:
        """The technical provenance in one line, for the Data page's detail: producer, distributor, version, licence,
        address."""
        return " · ".join([self.producer[lang], self.distributor, self.version, self.licence[lang], self.url])


@lru_cache(maxsize=1)
def datasets() -> dict[str, Dataset]:
    """All shipped datasets by id, in registry order."""
    raw = yamlio.read(REGISTRY_FILE)
    return {key: Dataset(id=key, **entry) for key, entry in raw.items()}


def dataset(dataset_id: str) -> Dataset:
    """The dataset with this id.

    Raises:
        UnknownDataset: the id is not in data/datasets.yaml.
    """
    try:
        return datasets()[dataset_id]
    except KeyError:
        raise UnknownDataset(dataset_id, list(datasets())) from None
