"""egov: open-source e-government platform for Vietnamese provinces."""
