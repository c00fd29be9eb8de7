"""The platform's rules, one module per capability; they use stores (SQL) and providers."""
