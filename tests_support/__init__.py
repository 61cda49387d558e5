"""Helpers for Reef's tests and benchmarks: the fixed world of personas and a headless browser.

They live outside the `reef` package so that the product never ships or imports them.
"""
