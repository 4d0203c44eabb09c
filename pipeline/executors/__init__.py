"""Executors run the stages over the articles of a run: ``local`` runs them in this process."""
