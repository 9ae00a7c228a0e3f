"""The kinds of SageMaker resources smtui shows, one module each; :mod:`smtui.aws.resources` lists them."""
