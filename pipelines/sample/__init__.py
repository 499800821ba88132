"""The sample data (示例数据) one sheet kind at a time: the units and their qualities, the
年终评分, 内容保障月报, 加减分 and 目标数据 figures drawn for them. pipelines/sample_data.py
writes them as workbooks."""
