"""Fee items (行政事业性收费清单) and intermediary services (中介服务事项清单), versioned like
the catalog: record and version tables with the same columns and partial unique indexes.

Service items now name their fee lines and intermediary services by these records' codes; a
guide stored before this revision with fee lines by name no longer reads (the demo catalog is
reloaded with `yichuang seed` on a fresh database).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 03:54:25.879174
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fee_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_fee_item_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_item')),
    sa.UniqueConstraint('code', name=op.f('uq_fee_item_code'))
    )
    with op.batch_alter_table('fee_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_item_agency_id'), ['agency_id'], unique=False)

    op.create_table('intermediary_service',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_intermediary_service_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intermediary_service')),
    sa.UniqueConstraint('code', name=op.f('uq_intermediary_service_code'))
    )
    with op.batch_alter_table('intermediary_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intermediary_service_agency_id'), ['agency_id'], unique=False)

    op.create_table('fee_item_version',
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
    sa.ForeignKeyConstraint(['record_id'], ['fee_item.id'], name=op.f('fk_fee_item_version_record_id_fee_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_item_version')),
    sa.UniqueConstraint('record_id', 'number', name=op.f('uq_fee_item_version_record_id_number'))
    )
    with op.batch_alter_table('fee_item_version', schema=None) as batch_op:
        batch_op.create_index('ix_fee_item_version_effective', ['record_id', 'effective_from', 'effective_to'], unique=False)
        batch_op.create_index('uq_fee_item_version_one_open', ['record_id'], unique=True, sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.create_index('uq_fee_item_version_one_published', ['record_id'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))

    op.create_table('intermediary_service_version',
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
    sa.ForeignKeyConstraint(['record_id'], ['intermediary_service.id'], name=op.f('fk_intermediary_service_version_record_id_intermediary_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intermediary_service_version')),
    sa.UniqueConstraint('record_id', 'number', name=op.f('uq_intermediary_service_version_record_id_number'))
    )
    with op.batch_alter_table('intermediary_service_version', schema=None) as batch_op:
        batch_op.create_index('ix_intermediary_service_version_effective', ['record_id', 'effective_from', 'effective_to'], unique=False)
        batch_op.create_index('uq_intermediary_service_version_one_open', ['record_id'], unique=True, sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.create_index('uq_intermediary_service_version_one_published', ['record_id'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))



def downgrade() -> None:
    with op.batch_alter_table('intermediary_service_version', schema=None) as batch_op:
        batch_op.drop_index('uq_intermediary_service_version_one_published', sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
        batch_op.drop_index('uq_intermediary_service_version_one_open', sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.drop_index('ix_intermediary_service_version_effective')

    op.drop_table('intermediary_service_version')
    with op.batch_alter_table('fee_item_version', schema=None) as batch_op:
        batch_op.drop_index('uq_fee_item_version_one_published', sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
        batch_op.drop_index('uq_fee_item_version_one_open', sqlite_where=sa.text("status IN ('draft', 'in_review')"), postgresql_where=sa.text("status IN ('draft', 'in_review')"))
        batch_op.drop_index('ix_fee_item_version_effective')

    op.drop_table('fee_item_version')
    with op.batch_alter_table('intermediary_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intermediary_service_agency_id'))

    op.drop_table('intermediary_service')
    with op.batch_alter_table('fee_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_item_agency_id'))

    op.drop_table('fee_item')
