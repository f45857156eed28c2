"""Editors' mutations: one input, a payload with the changed object and `userErrors`."""
