"""Reference data: administrative regions (GB/T 2260) and agencies (实施主体)."""

import uuid

from sqlmodel import Field, SQLModel

from models.base import EnumCode, new_id
from models.enums import AgencyNature, ExerciseLevel, RegionLevel


class Region(SQLModel, table=True):
    """An administrative region; districts hang under the city, streets under districts."""

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=100)
    level: RegionLevel = Field(sa_type=EnumCode(RegionLevel, 2))
    parent_code: str | None = Field(
        default=None, max_length=12, foreign_key="region.code", index=True
    )


class Agency(SQLModel, table=True):
    """An implementing agency, identified by its unified social credit code (USCC)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    uscc: str = Field(max_length=18, unique=True)
    name: str = Field(max_length=200)
    short_name: str | None = Field(default=None, max_length=100)
    region_code: str = Field(max_length=12, foreign_key="region.code", index=True)
    level: ExerciseLevel = Field(sa_type=EnumCode(ExerciseLevel, 1))
    nature: AgencyNature = Field(sa_type=EnumCode(AgencyNature, 1))
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=100)
