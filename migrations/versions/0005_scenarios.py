"""Scenarios (主题/一件事), versioned like the lists: record and version tables with the same
columns and partial unique indexes; the version keeps its theme's code beside the JSON content
for filtering.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:30:28.021911
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scenario',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_scenario_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    sa.UniqueConstraint('code', name=op.f('uq_scenario_code'))
    )
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_agency_id'), ['agency_id'], unique=False)

    op.create_table('scenario_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('effective_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('effective_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('change_note', sa.String(length=2000), nullable=True),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.String(length=200), nullable=True),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['scenario.id'], name=op.f('fk_scenario_version_record_id_scenario')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_version')),
    sa.UniqueConstraint('record_id', 'number', name=op.f('uq_scenario_version_record_id_number'))
    )
    with op.batch_alter_table('scenario_version', schema=None) as batch_op:
        batch_op.create_index('ix_scenario_version_effective', ['record_id', 'effective_from', 'effective_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenario_version_theme'), ['theme'], unique=False)
        batch_op.create_index('uq_scenario_version_one_open', ['record_id'], unique=True, sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.create_index('uq_scenario_version_one_published', ['record_id'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))


def downgrade() -> None:
    with op.batch_alter_table('scenario_version', schema=None) as batch_op:
        batch_op.drop_index('uq_scenario_version_one_published', sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
        batch_op.drop_index('uq_scenario_version_one_open', sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.drop_index(batch_op.f('ix_scenario_version_theme'))
        batch_op.drop_index('ix_scenario_version_effective')

    op.drop_table('scenario_version')
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_agency_id'))

    op.drop_table('scenario')
