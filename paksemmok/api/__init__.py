"""The REST API (/api/v1/): thin views over the same service functions as the pages."""
