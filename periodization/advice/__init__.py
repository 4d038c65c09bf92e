"""The pieces of ``periodize recommend``: the coach's decision, the plan, the drivers, the
inputs. ``periodization.recommend`` puts them together; nothing here imports torch."""
