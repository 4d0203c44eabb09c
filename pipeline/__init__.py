"""bitext: translate Hugo articles EN<->FR, align pairs for editors, log the energy of every stage."""

__version__ = "0.1.0"
