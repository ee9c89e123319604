"""Imports every module that registers jobs, so the queue and the worker know them all."""
