"""Placeholder: filled in by its work package."""

from fastapi import APIRouter

router = APIRouter()
