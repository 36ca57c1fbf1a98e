"""skylift_shim: placeholder until the shim lands."""
