"""Adapters implementing the ports in shortvideo.ports: Google services and offline stand-ins."""
