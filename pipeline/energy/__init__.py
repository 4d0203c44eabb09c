"""Energy: the meter every stage runs inside (``meter``) and the report of a run (``report``)."""
