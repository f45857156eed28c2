"""One async function per state change. Commands receive a `Tx`, may flush, never commit."""
