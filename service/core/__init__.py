"""The service's foundation: settings, database access, migrations, the error shape, security."""
