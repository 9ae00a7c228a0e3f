"""Detail sections, one module per kind that has its own (named by the kind's ``detail_module``); a kind without
one gets the generic detail: the overview and its Describe answer as a structured list."""
