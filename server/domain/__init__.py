"""HTTP domains, one package each: controllers, services, schemas."""
