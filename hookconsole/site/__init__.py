"""The standalone site: hookconsole on its own, configured from the environment."""
