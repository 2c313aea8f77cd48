from ninja import Router

router = Router(tags=["working time"])
